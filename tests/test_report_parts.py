"""A report too long for one page is published in parts (urls.report_parts): every paragraph
and recommendation has exactly one address, on the part that shows it, and no real report is
long enough to be cut (their paragraph addresses stay on the review's page)."""

import dataclasses
import re

from conftest import ROOT
from site_builder.build import load_site_settings, render_site
from site_builder.check import check_site
from site_builder.parse import parse_document
from site_builder.urls import Urls, output_path, report_parts
from site_builder.write import Staging

PAGE_LIMIT = 200_000  # issue 7: no page over 200 KB of HTML


def long_version(report, times: int):
    """The report with every paragraph and recommendation written out `times` times over."""
    return dataclasses.replace(
        report,
        paragraphs=tuple(dataclasses.replace(p, text=" ".join([p.text] * times)) for p in report.paragraphs),
        recommendations=tuple(dataclasses.replace(r, text=" ".join([r.text] * times))
                              for r in report.recommendations))


def test_no_real_report_is_cut(seed, corpus, registry):
    reports = [seed] + [parse_document(path, registry) for path in sorted(corpus.glob("*/*.txt"))
                        if "_Add" not in path.name]
    assert len(reports) == 29
    for report in reports:
        assert set(report_parts(report).values()) == {1}, report.source
    urls = Urls("https://example.org")
    assert urls.paragraph(seed, 125) == "/reviews/kazakhstan/cycle-2/#para-125"


def test_a_long_report_is_cut_between_paragraphs_into_parts_of_about_equal_length(seed):
    report = long_version(seed, 4)
    parts = report_parts(report)
    numbers = [p.number for p in report.paragraphs]
    assert list(parts) == numbers  # every paragraph in one part
    assigned = list(parts.values())
    assert assigned == sorted(assigned) and assigned[0] == 1  # in order, the first part first
    count = assigned[-1]
    assert count >= 2 and set(assigned) == set(range(1, count + 1))
    # The cut is by the text alone: the same report cut again is cut the same.
    assert report_parts(long_version(seed, 4)) == parts


def test_every_part_holds_what_its_addresses_promise_and_stays_under_the_page_limit(seed, tmp_path):
    report = long_version(seed, 5)
    content = ROOT / "content"
    with Staging(tmp_path / "output") as staging:
        rendered = render_site([report], content, staging)
        staging.publish(set(rendered.manifest))
    output = tmp_path / "output"
    urls = Urls(load_site_settings(content)["base_url"])
    part_urls = sorted({urls.review_part(report, n) for n in report_parts(report).values()})
    assert len(part_urls) >= 2
    pages = {url: (output / output_path(url)).read_text(encoding="utf-8") for url in part_urls}
    for url, html in pages.items():
        assert len(html.encode()) < PAGE_LIMIT, url
        assert len(re.findall(r"<span aria-current=\"page\">Part \d+</span>", html)) == 1  # says which part
    for para in report.paragraphs:
        url, anchor = urls.paragraph(report, para.number).split("#")
        assert [u for u, html in pages.items() if f'id="{anchor}"' in html] == [url]
    for rec in report.recommendations:
        url, anchor = urls.recommendation_in_review(report, rec).split("#")
        assert [u for u, html in pages.items() if f'id="{anchor}"' in html] == [url]
        # the relative link from its part leads to the recommendation's own page
        link = re.search(rf'id="{re.escape(anchor)}"><a class="rec-id" href="([^"]+)"', pages[url]).group(1)
        assert (output / output_path(url)).parent.joinpath(link, "index.html").resolve() == \
            (output / output_path(urls.recommendation(report, rec))).resolve()
    check = check_site(output, html_validator=False, content=content)
    assert check.ok, check.summary()


def test_where_the_parts_begin_is_pinned(seed):
    # The cut is part of the URL promise: if this fails, paragraphs of long reports moved to
    # other addresses and links people cited break. Change urls.report_parts only on purpose.
    def first_paragraphs(report):
        parts = report_parts(report)
        return [number for number, part in parts.items() if part > 1 and parts.get(number - 1) == part - 1]
    assert first_paragraphs(long_version(seed, 2)) == [118]
    assert first_paragraphs(long_version(seed, 5)) == [72, 125]
