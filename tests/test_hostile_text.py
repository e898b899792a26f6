"""Hostile text in every field a report carries — script tags, event handlers, `javascript:`
URLs, Unicode bidi overrides, very long words — is shown as text on every page kind, kept as
data in the exports, the feed and the search index, and runs nothing in a browser."""

import csv
import json
import shutil
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import ROOT
from site_builder.build import build
from site_builder.search_query import search
from site_fixtures import serving

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
LINK = '<a href="javascript:alert(3)">x</a>'
SVG = "<svg onload=alert(4)>"
BOLD = "<b onmouseover=alert(5)>"
BIDI = "\u202egnp.exe"  # right-to-left override: shows as "exe.png"
LONG = "Z" * 3000
HOSTILE = (SCRIPT, IMAGE, LINK, SVG, BOLD)
REC = "/reviews/kazakhstan/cycle-2/124.1/"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    seed = content / "reports" / "A-HRC-28-10.txt"
    text = seed.read_text(encoding="utf-8")
    edits = {  # a recommendation, a dialogue paragraph, the head of delegation
        "Adopt legislative measures to criminalize torture":
            f"Adopt {SCRIPT} {IMAGE} {LINK} {BIDI} measures to criminalize torture",
        "China commended KazakhstanÕs democratic reforms": f"China commended {SVG} {LONG} KazakhstanÕs democratic reforms",
        "headed by Elvira Azimova": f"headed by Elvira {BOLD}Azimova",
    }
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new, 1)
    seed.write_text(text, encoding="utf-8")
    build(content, root / "output")
    return root / "output"


def test_every_page_shows_it_as_text(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 250
    for path in pages:
        html = path.read_text(encoding="utf-8")
        for raw in HOSTILE:
            assert raw not in html, (path, raw)
        assert 'href="javascript:' not in html, path
    rec = (site / REC.strip("/") / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rec and BIDI in rec
    review = (site / "reviews/kazakhstan/cycle-2/index.html").read_text(encoding="utf-8")
    assert "&lt;svg onload=alert(4)&gt;" in review and LONG in review
    assert "&lt;b onmouseover=alert(5)&gt;Azimova" in review


def test_exports_and_the_feed_keep_it_as_data(site):
    rows = json.loads((site / "data/recommendations.json").read_text(encoding="utf-8"))
    text = next(r["text"] for r in rows if r["id"] == "124.1")
    assert SCRIPT in text and IMAGE in text and BIDI in text
    with (site / "data/recommendations.csv").open(encoding="utf-8", newline="") as file:
        assert next(r["text"] for r in csv.DictReader(file) if r["id"] == "124.1") == text
    for name in ("feed.xml", "sitemap.xml"):
        ElementTree.parse(site / name)  # well-formed: nothing broke out of its element
        assert "<script>" not in (site / name).read_text(encoding="utf-8")


def test_the_search_index_finds_it_and_keeps_it_as_data(site):
    result = search(site, "criminalize torture")
    hit = next(h for h in result.hits if h.record["i"] == "124.1")
    assert SCRIPT in hit.record["x"] and BIDI in hit.record["x"]
    assert search(site, "onerror").total >= 1 and search(site, LONG.lower()).total == 1


@pytest.fixture(scope="module")
def browser_page(site):
    playwright_api = pytest.importorskip("playwright.sync_api")
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed")
    with serving(site) as base, playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 390, "height": 800})
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield page, base, dialogs
        browser.close()


@pytest.mark.parametrize("url", [REC, "/reviews/kazakhstan/cycle-2/", "/search/?q=criminalize+torture",
                                 "/search/?q=onerror", "/states/china/"])
def test_in_a_browser_it_runs_nothing_and_breaks_no_layout(browser_page, url):
    page, base, dialogs = browser_page
    page.goto(base + url)
    if "/search/" in url:
        page.wait_for_selector(".results > li")
    page.wait_for_timeout(200)  # an onerror or onload would have fired by now
    assert dialogs == []
    assert page.locator("main script, main img, main svg:not(.chart-svg), main b[onmouseover]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "a long word widens the page"
