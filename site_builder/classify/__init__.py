"""Recommendation → what it is about (themes) and how much it asks (action level).

Both are read from the recommendation's own words by published rules, so a reader can check
every assignment: themes by `rules.yaml` over the taxonomy in `themes.yaml`, the action level by
the first operative verb. The method page explains both.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Recommendation
from .action_level import action_level
from .themes import themes_of


def classify(recommendations: list[Recommendation]) -> list[Recommendation]:
    """Each recommendation with its themes and action level filled in."""
    return [replace(rec, themes=themes_of(rec.text), action_level=action_level(rec.text)) for rec in recommendations]
