"""Addenda → their reports: the state's later word settles what its report left pending.

An addendum (A/HRC/43/15/Add.1) is matched to its report by symbol; when the report's text lost
its symbol, by the state under review and the Council session. Applied, each recommendation it
names takes the addendum's position and keeps the response (what the state said, and what the
report itself had said, `position_in_report`):

- pending (or unknown) in the report → the addendum's position;
- the same position in the report → unchanged, with the response added;
- the other position (the report said supported, the addendum noted) → the addendum's, with a
  warning: it is the state's later word, submitted to the Council that adopts the outcome, and
  the one the Council records;
- ids the report lacks → a warning; pending ids no addendum names stay pending (a warning).

Two addenda to one report (Add.1, Add.2) both apply, in the order of their numbers; where they
differ, the later one stands (and a warning says so). Two files with the same addendum symbol
(its text and its PDF) are refused, as two copies of one report are.
"""

from __future__ import annotations

import dataclasses
import re

from .errors import BuildError
from .model import NOTED, PENDING, SUPPORTED, Addendum, ParseWarning, Report

_SHOWN_IDS = 10  # a warning lists this many ids, then says how many more


def _ids(ids: list[str]) -> str:
    more = f" and {len(ids) - _SHOWN_IDS} more" if len(ids) > _SHOWN_IDS else ""
    return ", ".join(ids[:_SHOWN_IDS]) + more


def _number(addendum: Addendum) -> int:
    match = re.search(r"/Add\.(\d+)$", addendum.symbol or "")
    return int(match.group(1)) if match else 0


def match_addenda(reports: list[Report], addenda: list[Addendum]) -> dict[str, tuple[Addendum, ...]]:
    """Each report's addenda (by report source), in the order they apply. Raises BuildError for
    an addendum whose report is not among `reports`, or two copies of one addendum."""
    by_symbol = {report.document.symbol: report for report in reports if report.document.symbol}
    found: dict[str, list[Addendum]] = {}
    seen: dict[str, Addendum] = {}
    for addendum in sorted(addenda, key=lambda a: a.source):
        if addendum.symbol:
            if addendum.symbol in seen:
                raise BuildError(f"{seen[addendum.symbol].source} and {addendum.source} are both "
                                 f"{addendum.symbol}; keep one of them in content/")
            seen[addendum.symbol] = addendum
        report = by_symbol.get(addendum.report_symbol) if addendum.report_symbol else None
        if report is None:
            report = _by_review(reports, addendum)
        if report is None:
            answers = addendum.report_symbol or (
                f"the review of {addendum.state_under_review.name}" if addendum.state_under_review
                else "a report it does not name")
            raise BuildError(f"{addendum.source}: is the addendum to {answers}, which is not in "
                             "content/reports/; add the report, or remove the addendum")
        found.setdefault(report.source, []).append(addendum)
    return {source: tuple(sorted(group, key=lambda a: (_number(a), a.source))) for source, group in found.items()}


def _by_review(reports: list[Report], addendum: Addendum) -> Report | None:
    """The report without a symbol (lost in extraction) of the same state and Council session."""
    if addendum.state_under_review is None or addendum.hrc_session is None:
        return None
    candidates = [report for report in reports
                  if report.review.state_under_review == addendum.state_under_review
                  and report.document.hrc_session == addendum.hrc_session
                  and (report.document.symbol is None or addendum.report_symbol is None)]
    return candidates[0] if len(candidates) == 1 else None


def apply_addenda(report: Report, addenda: tuple[Addendum, ...]) -> Report:
    """The report with its addenda's responses applied, and warnings for what did not fit."""
    if not addenda:
        return report
    recommendations = list(report.recommendations)
    where: dict[str, list[int]] = {}  # id → its place(s); a misnumbered report may repeat one
    for index, rec in enumerate(recommendations):
        where.setdefault(rec.id, []).append(index)
    warnings = list(report.warnings)
    for addendum in addenda:
        said = f"the addendum {addendum.document}"
        warnings += [ParseWarning(f"{said}: {warning.message}", warning.paragraph) for warning in addendum.warnings]
        unknown = [rec_id for rec_id in addendum.responses if rec_id not in where]
        if unknown:
            warnings.append(ParseWarning(f"{said} answers {len(unknown)} id(s) the report does not have: "
                                         f"{_ids(unknown)}"))
        changed: list[str] = []
        for rec_id, response in addendum.responses.items():
            for index in where.get(rec_id, []):
                rec = recommendations[index]
                before = rec.response.position_in_report if rec.response else rec.position
                if rec.position in (SUPPORTED, NOTED) and rec.position != response.position:
                    changed.append(f"{rec_id} ({rec.position} → {response.position})")
                recommendations[index] = dataclasses.replace(
                    rec, position=response.position,
                    response=dataclasses.replace(response, document=addendum.document,
                                                 position_in_report=before))
        if changed:
            warnings.append(ParseWarning(f"{said} changes the position of {len(changed)} recommendation(s) "
                                         f"already settled; the addendum's stands: {_ids(changed)}"))
    pending = [rec.id for rec in recommendations if rec.position == PENDING]
    if pending:
        warnings.append(ParseWarning(f"{len(pending)} recommendation(s) no addendum answers stay pending: "
                                     f"{_ids(pending)}"))
    return dataclasses.replace(report, recommendations=tuple(recommendations), warnings=tuple(warnings))
