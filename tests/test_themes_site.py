"""Theme pages, recommendations across cycles and the state's record by cycle, on real reports:
the seed (Kazakhstan, cycle 2) and Kazakhstan's cycle-1 review from the corpus."""

from __future__ import annotations

import pytest

from site_builder.across import across_cycles, theme_records
from site_builder.classify.taxonomy import all_themes
from site_builder.enrich import build_archive
from site_builder.archive_pages import site_pages
from site_builder.parse import parse_file
from site_builder.urls import Urls

URLS = Urls("https://example.org")


@pytest.fixture(scope="module")
def archive(seed, corpus):
    return build_archive([seed, parse_file(corpus / "reports" / "kazakhstan2010.txt")])


@pytest.fixture(scope="module")
def pages(archive):
    return {page.url: page for page in site_pages(archive, URLS, {"title": "", "tagline": ""}, [])}


def test_every_theme_has_a_page_listing_exactly_its_recommendations(archive, pages):
    assert "/themes/" in pages
    for theme in all_themes():  # a theme not shipped keeps its page (and address), empty
        page = pages[URLS.theme(theme)]
        listed = {(id(m.report), m.recommendation.id) for m in page.template_context()["record"].made}
        expected = {(id(report), rec.id) for report in archive.reports for rec in report.recommendations
                    if theme.slug in rec.themes}
        assert listed == expected, theme.slug
        assert URLS.theme_recommendations(theme) in pages
        assert theme.shipped or not expected


def test_themes_are_given_to_most_real_recommendations(archive):
    recs = [rec for report in archive.reports for rec in report.recommendations]
    assert sum(bool(rec.themes) for rec in recs) / len(recs) > 0.6
    assert sum(len(record.made) > 0 for record in theme_records(archive)) >= 15


def test_across_cycles_pairs_the_same_states_on_the_same_theme_both_ways(archive):
    found = across_cycles(archive)
    assert len(found) > 20
    reports = {id(report): report for report in archive.reports}
    recs = {id(rec): rec for report in archive.reports for rec in report.recommendations}
    for (report_key, rec_key), across in found.items():
        report, rec = reports[report_key], recs[rec_key]
        for made in (*across.earlier, *across.later):
            assert made.report is not report
            assert made.report.review.state_under_review == report.review.state_under_review
            assert set(made.recommendation.recommended_by) & set(rec.recommended_by)
            assert set(made.recommendation.themes) & set(rec.themes)
            # and the other page looks back (or forward) at this one
            back = found[(id(made.report), id(made.recommendation))]
            side = back.later if made.report.review.cycle < report.review.cycle else back.earlier
            assert any(m.recommendation is rec for m in side)
        assert all(m.report.review.cycle == 1 for m in across.earlier)
        assert all(m.report.review.cycle == 2 for m in across.later)


def test_a_state_page_shows_its_record_cycle_by_cycle(pages):
    page = pages["/states/kazakhstan/"]
    rows = page.template_context()["received_by_cycle"]
    assert [row["cycle"] for row in rows] == [1, 2]
    assert [row["total"] for row in rows] == [128, 194]
    assert all(row["themes"] for row in rows)
    chart = page.template_context()["positions_chart"]
    assert [row[0] for row in chart.table.rows] == ["Cycle 1", "Cycle 2"]


def test_a_recommending_state_shows_its_share_of_specific_asks(archive, pages):
    sweden = next(p for p in archive.profiles if p.state.name == "Sweden")
    levels = [m.recommendation.action_level for m in sweden.made if m.recommendation.action_level]
    share = round(100 * sum(level == 5 for level in levels) / len(levels))
    assert pages["/states/sweden/"].template_context()["share_specific"] == f"{share} %"
