"""`site-builder add FILE`: check a new report and store it under content/reports/.

The file is parsed first (a report that cannot be parsed is refused with the reason), compared
with the reports already there (the same UN symbol, or the same state and cycle, is refused,
naming the file that has it), and copied byte for byte under a canonical name made from its
symbol — `A/HRC/28/10` → `A-HRC-28-10.txt` — so the folder reads like a catalogue.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .build import REPORT_SUFFIXES
from .errors import BuildError
from .model import Report
from .parse import parse_file
from .states import load_registry
from .urls import review_key


@dataclass(frozen=True)
class Addition:
    report: Report
    target: Path
    written: bool


def canonical_name(report: Report, suffix: str) -> str:
    if report.document.symbol:
        stem = report.document.symbol.replace("/", "-").replace(".", "")
    else:
        stem = review_key(report).replace("/", "-")
    return stem + suffix.lower()


def add_report(source: Path, content: Path, *, dry_run: bool = False) -> Addition:
    if source.suffix.lower() not in REPORT_SUFFIXES:
        raise BuildError(f"{source}: a report must be a .txt or .pdf file")
    registry = load_registry()
    report = parse_file(source, registry)
    folder = content / "reports"
    target = folder / canonical_name(report, source.suffix)
    for existing in sorted(folder.glob("*")) if folder.is_dir() else []:
        if existing.suffix.lower() not in REPORT_SUFFIXES or existing.resolve() == source.resolve():
            continue
        other = parse_file(existing, registry)
        if report.document.symbol and other.document.symbol == report.document.symbol:
            raise BuildError(f"{source}: {report.document.symbol} is already in the archive as {existing}")
        if review_key(other) == review_key(report):
            raise BuildError(f"{source}: the review of {report.review.state_under_review.name} in "
                             f"cycle {report.review.cycle} is already in the archive as {existing}")
    if target.exists():
        raise BuildError(f"{source}: {target} already exists")
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return Addition(report, target, written=not dry_run)
