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


@cache
def load_taxonomy() -> tuple[Theme, ...]:
    """Every theme, in the taxonomy's order (the order themes are listed in everywhere)."""
    data = yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))
    themes = tuple(Theme(t["slug"], t["name"], " ".join(t["description"].split())) for t in data["themes"])
    slugs = [t.slug for t in themes]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{TAXONOMY_FILE}: a theme slug is used twice")
    return themes


def themes_by_slug() -> dict[str, Theme]:
    return {theme.slug: theme for theme in load_taxonomy()}
