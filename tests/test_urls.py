"""Published links are a promise: the full list of the seed's page URLs is pinned here.

If this test fails, a URL changed. Links that journalists cited would break: add a redirect for
the old URL (exports.redirects) before updating tests/expected/seed_urls.txt on purpose.
"""

from conftest import ROOT
from site_builder.build import load_site_settings
from site_builder.enrich import build_archive
from site_builder.archive_pages import site_pages
from site_builder.render import prose_pages
from site_builder.urls import Urls, output_path

EXPECTED = ROOT / "tests" / "expected" / "seed_urls.txt"


def seed_urls(seed) -> list[str]:
    urls = Urls(load_site_settings(ROOT / "content")["base_url"])
    archive = build_archive([seed])
    pages = site_pages(archive, urls, {"title": "", "tagline": ""}, prose_pages(ROOT / "content" / "pages", urls))
    return sorted(page.url for page in pages)


def test_the_seed_url_list_is_unchanged(seed):
    assert seed_urls(seed) == EXPECTED.read_text(encoding="utf-8").split()


def test_urls_are_readable_and_made_of_stable_parts(seed):
    urls = Urls("https://example.org")
    rec = next(r for r in seed.recommendations if r.id == "125.8")
    assert urls.review(seed) == "/reviews/kazakhstan/cycle-2/"
    assert urls.recommendation(seed, rec) == "/reviews/kazakhstan/cycle-2/125.8/"
    assert urls.paragraph(seed, 23) == "/reviews/kazakhstan/cycle-2/#para-23"
    assert urls.state(seed.review.state_under_review) == "/states/kazakhstan/"
    assert urls.symbol_paths(seed) == ["/A/HRC/28/10"]
    assert output_path(urls.recommendation(seed, rec)) == "reviews/kazakhstan/cycle-2/125.8/index.html"


def test_every_seed_page_is_there(seed):
    listed = seed_urls(seed)
    assert "/reviews/kazakhstan/cycle-2/" in listed
    assert sum(1 for url in listed if url.startswith("/reviews/kazakhstan/cycle-2/1")) == 194
    states = [url for url in listed if url.startswith("/states/") and url.count("/") == 3]
    # Kazakhstan, the 71 recommending states, Ethiopia and Mauritania (who spoke without
    # recommending) and South Africa, who sat on the troika; each recommending state's list.
    assert len(states) == 75
    assert sum(1 for url in listed if url.startswith("/states/") and url.endswith("/recommendations/")) == 71
    assert {"/states/ethiopia/", "/states/mauritania/", "/states/south-africa/"} <= set(states)
