"""The hand-labelled samples (tests/themes/) that the theme and action-level rules are measured
against: well formed, and still tied to what the parser reads from the real reports today."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from site_builder.classify.taxonomy import themes_by_slug
from site_builder.model import ACTION_LEVELS
from site_builder.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "themes"
DEV, TEST = "sample_dev.yaml", "sample_test.yaml"
FIELDS = {"report", "id", "text", "themes", "action_level"}


def load(name: str) -> list[dict]:
    return yaml.safe_load((SAMPLES / name).read_text(encoding="utf-8"))


@cache
def parsed_texts(report: str) -> dict[str, str]:
    """id → text, as the parser reads the report today."""
    path = ROOT / report
    if not path.is_file():
        pytest.skip(f"{report} is not beside the repository")
    return {rec.id: rec.text for rec in parse_file(path).recommendations}


@pytest.mark.parametrize("name", [DEV, TEST])
def test_every_item_has_known_themes_and_an_action_level(name):
    slugs = themes_by_slug()
    for item in load(name):
        where = f"{name}: {item.get('report')} {item.get('id')}"
        assert FIELDS <= set(item) <= FIELDS | {"note"}, where
        assert isinstance(item["id"], str) and isinstance(item["text"], str), where
        assert isinstance(item["themes"], list), where
        assert all(slug in slugs for slug in item["themes"]), where
        assert len(set(item["themes"])) == len(item["themes"]), where
        assert item["action_level"] in ACTION_LEVELS, where
        # An empty theme list is allowed, but the labeller must say why none fits.
        assert item["themes"] or item.get("note"), where


@pytest.mark.parametrize("name", [DEV, TEST])
def test_no_recommendation_is_labelled_twice(name):
    keys = Counter((item["report"], item["id"]) for item in load(name))
    assert [key for key, count in keys.items() if count > 1] == []


@pytest.mark.parametrize("name", [DEV, TEST])
def test_ids_and_texts_are_what_the_parser_reads_today(name):
    for item in load(name):
        texts = parsed_texts(item["report"])
        assert item["id"] in texts, f"{name}: {item['report']} has no recommendation {item['id']}"
        assert item["text"] == texts[item["id"]], f"{name}: {item['report']} {item['id']} text changed"


def test_the_held_out_set_is_large_and_spread_over_reports():
    items = load(TEST)
    per_report = Counter(item["report"] for item in items)
    assert len(items) >= 250
    assert len(per_report) >= 8


def test_development_and_held_out_sets_share_no_report():
    dev_reports = {item["report"] for item in load(DEV)}
    test_reports = {item["report"] for item in load(TEST)}
    assert dev_reports and test_reports
    assert dev_reports.isdisjoint(test_reports)
