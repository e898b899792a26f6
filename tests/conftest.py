"""Shared fixtures: the seed report parsed once per test session, and the corpus beside the repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.parse import parse_file
from site_builder.states import load_registry

# The built seed site and a server for it, shared by the site, browser and accessibility tests.
pytest_plugins = ["site_fixtures"]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "reports" / "A-HRC-28-10.txt"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def seed():
    return parse_file(SEED)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not (CORPUS / "reports").is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    return CORPUS


def recommendation(report, rec_id):
    return next(rec for rec in report.recommendations if rec.id == rec_id)
