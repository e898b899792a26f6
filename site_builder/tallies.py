"""Counting recommendations for the pages: by position, by action level, by cycle, and the
shares the pages quote. Plain functions of recommendations; no page knowledge."""

from __future__ import annotations

from collections import Counter, defaultdict

from .classify.taxonomy import themes_by_slug
from .enrich import Made
from .model import ACTION_LEVELS, NOTED, POSITIONS, SUPPORTED, Recommendation

TOP_THEMES = 3  # "most frequent themes" in a cycle's row


def counts(recommendations) -> dict[str, int]:
    found = Counter(rec.position for rec in recommendations)
    return {position: found[position] for position in POSITIONS if found[position]}


def share_supported(recommendations) -> str:
    recommendations = list(recommendations)
    answered = [r for r in recommendations if r.position in (SUPPORTED, NOTED)]
    if not answered:
        return "—"
    return f"{round(100 * sum(r.position == SUPPORTED for r in answered) / len(answered))} %"


def by_action_level(recommendations) -> dict[int, int]:
    """Level → how many, for every level (a chart shows the empty ones too)."""
    found = Counter(rec.action_level for rec in recommendations)
    return {level: found[level] for level in ACTION_LEVELS}


def share_specific(recommendations) -> str:
    """The share of specific-action (level 5) recommendations among those with a level."""
    levels = [rec.action_level for rec in recommendations if rec.action_level]
    if not levels:
        return "—"
    return f"{round(100 * sum(level == 5 for level in levels) / len(levels))} %"


def by_cycle(made: list[Made] | tuple[Made, ...], theme_shown: str | None = None) -> list[dict]:
    """One row per cycle: how many recommendations, the share supported and the share asking for
    specific action, and the themes most asked about (besides the page's own, `theme_shown`)."""
    cycles: dict[int, list[Recommendation]] = defaultdict(list)
    for item in made:
        cycles[item.report.review.cycle or 0].append(item.recommendation)
    themes = themes_by_slug()
    rows = []
    for cycle, recs in sorted(cycles.items()):
        frequent = Counter(slug for rec in recs for slug in rec.themes if slug != theme_shown)
        # most frequent first; ties in the taxonomy's order, so the row is the same every build
        order = list(themes)
        top = sorted(frequent, key=lambda slug: (-frequent[slug], order.index(slug)))[:TOP_THEMES]
        rows.append({"cycle": cycle or None, "total": len(recs), "share_supported": share_supported(recs),
                     "share_specific": share_specific(recs), "themes": [themes[slug] for slug in top]})
    return rows
