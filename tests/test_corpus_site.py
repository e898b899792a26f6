"""The seed and the 25 corpus reports built together: the archive reads across reviews."""

import pytest

from site_builder.build import build
from site_fixtures import corpus_content


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus-site")
    content = corpus_content(root)
    result = build(content, root / "output")
    return root / "output", result


def read(output, url):
    return (output / url.strip("/") / "index.html").read_text(encoding="utf-8")


def test_all_26_reports_build(corpus_site):
    _, result = corpus_site
    assert result.reports == 26
    assert result.recommendations > 3000


def test_sweden_shows_its_recommendations_to_every_state_it_reviewed(corpus_site):
    from site_builder.parse import parse_file
    output, _ = corpus_site
    page = read(output, "/states/sweden/")
    reviewed_by_sweden = set()
    for path in sorted((output.parent / "content" / "reports").iterdir()):
        report = parse_file(path)
        if any(s.iso3 == "SWE" for rec in report.recommendations for s in rec.recommended_by):
            reviewed_by_sweden.add((report.review.state_under_review.slug, report.review.cycle))
    assert len(reviewed_by_sweden) >= 15
    for slug, cycle in reviewed_by_sweden:
        assert f'href="/reviews/{slug}/cycle-{cycle}/"' in page, slug
    # and Sweden's own review, as state under review
    assert 'href="/reviews/sweden/cycle-1/"' in page


def test_links_go_both_ways_between_recommendations_and_states(corpus_site):
    output, _ = corpus_site
    rec_page = read(output, "/reviews/kazakhstan/cycle-2/125.8/")
    assert 'href="/states/hungary/"' in rec_page and 'href="/states/spain/"' in rec_page
    assert 'href="/reviews/kazakhstan/cycle-2/125.8/"' in read(output, "/states/hungary/")
    assert 'href="125.8/"' in read(output, "/reviews/kazakhstan/cycle-2/")  # relative: the review is long


def test_no_page_is_over_200_kb(corpus_site):
    output, _ = corpus_site
    big = [(p, p.stat().st_size) for p in output.rglob("*.html") if p.stat().st_size > 200_000]
    assert not big


def test_a_recommendation_page_lists_the_same_ask_in_other_reviews(corpus_site):
    import re
    output, _ = corpus_site
    page = read(output, "/reviews/kazakhstan/cycle-2/125.42/")  # "Abolish the death penalty (Sweden)"
    section = page.split('<h2 id="related">', 1)[1].split("</section>", 1)[0]
    items = re.findall(r'<li><a class="rec-id" href="(/reviews/([^/]+)/cycle-\d+/[^/]+/)">[^<]+</a> ([^<]*)<', section)
    assert len(items) == 5
    assert len({slug for _, slug, _ in items} - {"kazakhstan"}) >= 3  # across reviews
    for url, _, text in items:
        assert "death penalty" in text.lower(), text
        assert (output / url.strip("/") / "index.html").is_file()


def test_the_archive_exports_hold_every_reviews_rows_in_order(corpus_site):
    # They are joined from the reviews' files (exports.write_data_files): the same as all rows at once.
    import csv
    import json
    output, result = corpus_site
    reviews = sorted((output / "data" / "reviews").glob("*.json"))
    assert len(reviews) == 26
    from_reviews = [row for path in reviews for row in json.loads(path.read_text(encoding="utf-8"))]
    everything = json.loads((output / "data" / "recommendations.json").read_text(encoding="utf-8"))
    assert len(everything) == result.recommendations
    assert sorted(everything, key=lambda r: r["permalink"]) == sorted(from_reviews, key=lambda r: r["permalink"])
    with (output / "data" / "recommendations.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["permalink"] for row in rows] == [row["permalink"] for row in everything]
    assert [row["text"] for row in rows] == [row["text"] for row in everything]
