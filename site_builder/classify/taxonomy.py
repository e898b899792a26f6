"""The published theme taxonomy (themes.yaml) as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TAXONOMY_FILE = Path(__file__).with_name("themes.yaml")


@dataclass(frozen=True)
class Theme:
    slug: str  # its URL: never changed once published
    name: str
    description: str
    # A theme whose rules failed the precision gate (docs/themes_method.md) stays in the
    # taxonomy, so its slug stays reserved, but is never assigned and never listed.
    shipped: bool = True
    not_shipped_because: str | None = None


@cache
def all_themes() -> tuple[Theme, ...]:
    """Every theme in themes.yaml, shipped or not, in the taxonomy's order."""
    data = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    themes = tuple(
        Theme(
            t["slug"],
            t["name"],
            " ".join(t["description"].split()),
            bool(t.get("shipped", True)),
            " ".join(t["not_shipped_because"].split()) if t.get("not_shipped_because") else None,
        )
        for t in data["themes"]
    )
    slugs = [t.slug for t in themes]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{TAXONOMY_FILE}: a theme slug is used twice")
    for theme in themes:
        if not theme.shipped and not theme.not_shipped_because:
            raise ValueError(f"{TAXONOMY_FILE}: theme {theme.slug} is not shipped but gives no reason")
    return themes


@cache
def load_taxonomy() -> tuple[Theme, ...]:
    """The themes recommendations can carry (the shipped ones), in the taxonomy's order
    (the order themes are listed in everywhere)."""
    return tuple(theme for theme in all_themes() if theme.shipped)


def themes_by_slug() -> dict[str, Theme]:
    return {theme.slug: theme for theme in load_taxonomy()}
