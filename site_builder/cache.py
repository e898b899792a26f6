"""What a rebuild can reuse: parsed reports, and pages whose inputs have not changed.

Parsed reports are kept by the SHA-256 of the report's bytes, together with a fingerprint of the
code that parsed them, so a change to the parser invalidates them all. Pages are reused when the
fingerprint of everything they are made from — the reports they show, the templates, the code,
the site settings — is the one recorded for the file now in output/. Either way the output is
byte-identical to a clean build: the cache only skips work, never decides content.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path
from typing import Any

from .model import Addendum, Report

PACKAGE = Path(__file__).resolve().parent
# The code whose output a parsed report is: a change here means every report is parsed anew.
PARSER_CODE = ("model.py", "read.py", "states.py", "states.yaml", "parse", "classify")


def fingerprint_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        else:
            files = [path] if path.is_file() else []  # an optional file (site.yaml) may be absent
        for file in files:
            digest.update(str(file.relative_to(PACKAGE.parent)).encode() if file.is_relative_to(PACKAGE.parent)
                          else file.name.encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def cache_folder(output: Path) -> Path:
    """Beside output/, never inside it: nothing here is published."""
    output = output.resolve()
    return output.parent / f".site-builder-cache-{output.name}"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BuildCache:
    """A folder beside output/ (never inside it, so it is not published)."""

    def __init__(self, folder: Path, read: bool = True):
        self.folder = folder
        self.read = read  # False for a clean build: it ignores what is here, and still leaves its own
        self._parser = fingerprint_files([PACKAGE / name for name in PARSER_CODE])

    # --- parsed reports -------------------------------------------------------------------------
    def _report_path(self, report_hash: str) -> Path:
        return self.folder / "reports" / f"{report_hash}-{self._parser[:16]}.pickle"

    def load_report(self, report_hash: str, source: Path) -> Report | Addendum | None:
        """A parsed report, or addendum, as it came from the parser (addenda not yet applied)."""
        if not self.read:
            return None
        try:
            with self._report_path(report_hash).open("rb") as file:
                report = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return None
        return dataclasses.replace(report, source=str(source)) if isinstance(report, (Report, Addendum)) else None

    def store_report(self, report_hash: str, report: Report | Addendum) -> None:
        self._write_atomically(self._report_path(report_hash), pickle.dumps(report, pickle.HIGHEST_PROTOCOL))

    # --- the files of the published site, and of the spare -----------------------------------------
    def _manifest_path(self, site: str) -> Path:
        return self.folder / f"{site}.json"  # "published" or "spare"

    def load_manifest(self, site: str = "published") -> dict[str, str] | None:
        """Every file of the published site (or of the spare kept beside it, `write.py`) → the
        fingerprint of what it was made from ("" for files not reused by fingerprint); None when
        not known. Read by clean builds too: they reuse nothing, but pass the record on with the
        site they replace."""
        try:
            manifest = json.loads(self._manifest_path(site).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) else None

    def forget_manifest(self, site: str = "published") -> None:
        """Called before that site's folder changes: were the build killed before the new record
        is stored, an old one would describe files that are no longer there."""
        self._manifest_path(site).unlink(missing_ok=True)

    def store_manifest(self, manifest: dict[str, str], site: str = "published") -> None:
        text = json.dumps(manifest, sort_keys=True, indent=0)
        self._write_atomically(self._manifest_path(site), text.encode("utf-8"))

    # --- the groups of pages of the last build -------------------------------------------------
    def _groups_path(self) -> Path:
        return self.folder / "page-groups.pickle"

    def load_groups(self) -> dict[str, tuple]:
        """The groups of pages the last build made (pages.KnownInputs): the fingerprint of what
        a group was made from → its pages' (file, fingerprint, URL, title)."""
        stored = self._load(self._groups_path())
        return stored if isinstance(stored, dict) else {}

    def store_groups(self, groups: dict[str, tuple]) -> None:
        self._write_atomically(self._groups_path(), pickle.dumps(groups, pickle.HIGHEST_PROTOCOL))

    def _load(self, path: Path) -> Any:
        """A pickle this cache wrote, or None (not read, missing, or damaged)."""
        if not self.read:
            return None
        try:
            with path.open("rb") as file:
                return pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None

    # --- the search stage of the last build ------------------------------------------------------
    def _search_path(self) -> Path:
        return self.folder / "search-stage.pickle"

    def load_search(self, key: str) -> tuple[dict[str, str], Any] | None:
        """What the search stage made last time, when it was made from the same inputs (`key`):
        its files (path in output/ → the hash of its bytes; the files themselves are in the
        published site or the spare) and the related lists."""
        stored = self._load(self._search_path())
        if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == key):
            return None
        return stored[1], stored[2]

    def store_search(self, key: str, files: dict[str, str], related: Any) -> None:
        shutil.rmtree(self.folder / "search-index", ignore_errors=True)  # what older builds kept
        self._write_atomically(self._search_path(), pickle.dumps((key, files, related), pickle.HIGHEST_PROTOCOL))

    def _tiers_path(self) -> Path:
        return self.folder / "search-tiers.pickle"

    def load_tiers(self) -> dict[str, tuple[dict[str, Any], dict[str, str]]]:
        """The search index's tiers as the last build made them (search_export.KnownTiers): what
        a tier was made from → its entry in meta.json and its files (path → hash of the bytes)."""
        stored = self._load(self._tiers_path())
        return stored if isinstance(stored, dict) else {}

    def store_tiers(self, tiers: dict[str, tuple[dict[str, Any], dict[str, str]]]) -> None:
        self._write_atomically(self._tiers_path(), pickle.dumps(tiers, pickle.HIGHEST_PROTOCOL))

    def _ranking_path(self) -> Path:
        return self.folder / "related-ranking.pickle"

    def load_ranking(self) -> Any | None:
        """The related lists as the last build ranked them (`related.Ranking`)."""
        return self._load(self._ranking_path())

    def store_ranking(self, ranking: Any) -> None:
        self._write_atomically(self._ranking_path(), pickle.dumps(ranking, pickle.HIGHEST_PROTOCOL))

    # --- each report's search docs, analysed ---------------------------------------------------
    def _analysis_path(self, key: str) -> Path:
        return self.folder / "search" / f"{key}.pickle"

    def load_analysis(self, key: str, stored_by_this_build: bool = False) -> Any | None:
        """A report's search docs as the analyser saw them (`search_stats.py`); `key` covers
        their texts and the code. A clean build reads only what it stored itself."""
        if not (self.read or stored_by_this_build):
            return None
        try:
            with self._analysis_path(key).open("rb") as file:
                return pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
            return None

    def has_analysis(self, key: str) -> bool:
        return self.read and self._analysis_path(key).is_file()

    def store_analysis(self, key: str, value: Any) -> None:
        self._write_atomically(self._analysis_path(key), pickle.dumps(value, pickle.HIGHEST_PROTOCOL))

    def keep_analyses(self, keys: set[str]) -> None:
        """Forget the analyses of reports this build no longer has (removed, or edited)."""
        folder = self.folder / "search"
        for path in folder.glob("*.pickle") if folder.is_dir() else ():
            if path.stem not in keys:
                path.unlink(missing_ok=True)

    def _write_atomically(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
