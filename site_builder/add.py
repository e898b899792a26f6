"""`site-builder add FILE`: check a new report, or its addendum, and store it under content/reports/.

The file is parsed first (a report that cannot be parsed is refused with the reason), compared
with the reports already there (the same UN symbol, or the same state and cycle, is refused,
naming the file that has it), and copied byte for byte under a canonical name made from its
symbol — `A/HRC/28/10` → `A-HRC-28-10.txt`, `A/HRC/43/15/Add.1` → `A-HRC-43-15-Add1.txt` — so
the folder reads like a catalogue. An addendum is accepted only when its report is already there
(the build would refuse it otherwise).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .build import REPORT_SUFFIXES
from .errors import BuildError
from .addenda import match_addenda
from .model import Addendum, Report
from .parse import parse_document
from .states import load_registry
from .urls import review_key


@dataclass(frozen=True)
class Addition:
    report: Report | Addendum
    target: Path
    written: bool


def canonical_name(report: Report | Addendum, suffix: str) -> str:
    symbol = report.symbol if isinstance(report, Addendum) else report.document.symbol
    if symbol:
        stem = symbol.replace("/", "-").replace(".", "")
    elif isinstance(report, Addendum):
        raise BuildError(f"{report.source}: the addendum's symbol (A/HRC/…/Add.N) is missing from its "
                         "text, so it cannot be named; add it under content/reports/ by hand")
    else:
        stem = review_key(report).replace("/", "-")
    return stem + suffix.lower()


def add_report(source: Path, content: Path, *, dry_run: bool = False) -> Addition:
    if source.suffix.lower() not in REPORT_SUFFIXES:
        raise BuildError(f"{source}: a report must be a .txt or .pdf file")
    registry = load_registry()
    report = parse_document(source, registry)
    folder = content / "reports"
    target = folder / canonical_name(report, source.suffix)
    existing_reports: list[Report] = []
    for existing in sorted(folder.glob("*")) if folder.is_dir() else []:
        if existing.suffix.lower() not in REPORT_SUFFIXES or existing.resolve() == source.resolve():
            continue
        other = parse_document(existing, registry)
        if isinstance(other, Addendum) or isinstance(report, Addendum):
            if isinstance(other, Addendum) and isinstance(report, Addendum) and other.symbol == report.symbol:
                raise BuildError(f"{source}: {report.symbol} is already in the archive as {existing}")
            if isinstance(other, Report):
                existing_reports.append(other)
            continue
        if report.document.symbol and other.document.symbol == report.document.symbol:
            raise BuildError(f"{source}: {report.document.symbol} is already in the archive as {existing}")
        if review_key(other) == review_key(report):
            raise BuildError(f"{source}: the review of {report.review.state_under_review.name} in "
                             f"cycle {report.review.cycle} is already in the archive as {existing}")
    if isinstance(report, Addendum):
        # Refused here as the build would refuse it: an addendum without its report.
        match_addenda(existing_reports, [report])
    if target.exists():
        raise BuildError(f"{source}: {target} already exists")
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return Addition(report, target, written=not dry_run)
