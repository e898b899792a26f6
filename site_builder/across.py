"""The archive read across reports by theme: what each theme holds, and for each recommendation
what the same recommending state asked the same state under review on the same theme in other
cycles. Plain data, gathered once, like enrich.py's profiles.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .classify.taxonomy import Theme, all_themes
from .enrich import Archive, Made, held_order
from .model import Recommendation, Report


@dataclass(frozen=True)
class ThemeRecord:
    theme: Theme
    made: tuple[Made, ...]  # its recommendations, in the order the reviews were held (enrich.held_order)


def _cycle_order(report: Report) -> tuple:
    review = report.review
    return (review.cycle or 0, review.state_under_review.name)


def theme_records(archive: Archive) -> tuple[ThemeRecord, ...]:
    """Every theme of the taxonomy, in its order, with the recommendations that have it (none for
    a theme that is not shipped: its page stays, so that its address never breaks)."""
    by_theme: dict[str, list[Made]] = defaultdict(list)
    # gathered report by report in the order they were held, so already in the record's order
    for report in sorted(archive.reports, key=held_order):
        for rec in report.recommendations:
            for slug in rec.themes:
                by_theme[slug].append(Made(report, rec))
    return tuple(ThemeRecord(theme, tuple(by_theme[theme.slug])) for theme in all_themes())


@dataclass(frozen=True)
class AcrossCycles:
    earlier: tuple[Made, ...]  # from earlier cycles, oldest first
    later: tuple[Made, ...]

    @property
    def sources(self) -> set[str]:
        return {made.report.source for made in (*self.earlier, *self.later)}


NOTHING = AcrossCycles((), ())


def across_cycles(archive: Archive) -> dict[tuple[int, int], AcrossCycles]:
    """(id of report, id of recommendation) → the recommendations made to the same state under
    review by one of the same recommending states on one of the same themes, in its other
    reviews; only recommendations that have any are keys."""
    # (state under review, recommending state, theme) → the recommendations, in report order
    asks: dict[tuple[str, str, str], list[Made]] = defaultdict(list)
    # each report's place in cycle order, reports that tie sharing one: sorting by it is sorting
    # by `_cycle_order`, without making that key 200,000 times at 100,000 recommendations
    place = {key: n for n, key in enumerate(sorted({_cycle_order(report) for report in archive.reports}))}
    rank = {id(report): place[_cycle_order(report)] for report in archive.reports}
    for report in archive.reports:
        under_review = report.review.state_under_review.iso3
        for rec in report.recommendations:
            for state in rec.recommended_by:
                for slug in rec.themes:
                    asks[(under_review, state.iso3, slug)].append(Made(report, rec))
    found: dict[tuple[int, int], AcrossCycles] = {}
    for report in archive.reports:
        under_review = report.review.state_under_review.iso3
        cycle = report.review.cycle or 0
        for rec in report.recommendations:
            seen: dict[int, Made] = {}
            for state in rec.recommended_by:
                for slug in rec.themes:
                    for made in asks[(under_review, state.iso3, slug)]:
                        if made.report is not report:
                            seen.setdefault(id(made.recommendation), made)
            if seen:
                ordered = sorted(seen.values(), key=lambda made: rank[id(made.report)])
                found[(id(report), id(rec))] = AcrossCycles(
                    tuple(m for m in ordered if (m.report.review.cycle or 0) <= cycle),
                    tuple(m for m in ordered if (m.report.review.cycle or 0) > cycle))
    return found


def shared_themes(rec: Recommendation, other: Recommendation) -> tuple[str, ...]:
    return tuple(slug for slug in rec.themes if slug in other.themes)
