"""Building the site: deterministic, atomic, escaped, cross-linked."""

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT
from site_builder.build import build
from site_builder.errors import BuildError
from site_builder.write import MARKER


def copy_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_content_builds_to_byte_identical_files(tmp_path):
    content = copy_content(tmp_path)
    build(content, tmp_path / "one")
    build(content, tmp_path / "two")
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_a_failed_build_leaves_the_published_site_untouched(tmp_path):
    content = copy_content(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    before = snapshot(output)
    (content / "reports" / "broken.txt").write_text("Report of the Working Group on the Universal "
                                                     "Periodic Review\n1. Too short.\n", encoding="utf-8")
    with pytest.raises(BuildError, match="broken.txt"):
        build(content, output)
    assert snapshot(output) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output.")]


def test_a_broken_template_fails_the_build_with_its_name(tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "state.html").write_text("{% extends 'base.html' %}{% block main %}{{ nope.x }}{% endblock %}")
    output = tmp_path / "output"
    with pytest.raises(BuildError, match="state.html"):
        build(copy_content(tmp_path), output, templates)
    assert not output.exists()


def test_removed_reports_leave_no_stale_pages(tmp_path, corpus):
    content = copy_content(tmp_path)
    shutil.copy(corpus / "reports" / "tonga2008.txt", content / "reports" / "tonga2008.txt")
    output = tmp_path / "output"
    build(content, output)
    assert (output / "reviews" / "tonga" / "cycle-1" / "index.html").exists()
    (content / "reports" / "tonga2008.txt").unlink()
    build(content, output)
    assert not (output / "reviews" / "tonga").exists()


def test_a_folder_we_did_not_write_is_never_replaced(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    with pytest.raises(BuildError, match="did not write"):
        build(copy_content(tmp_path), precious)
    assert (precious / "thesis.docx").read_text() == "years of work"
    assert not (precious / MARKER).exists()


def test_two_reports_of_the_same_review_are_refused_naming_both(tmp_path):
    content = copy_content(tmp_path)
    shutil.copy(content / "reports" / "A-HRC-28-10.txt", content / "reports" / "copy.txt")
    with pytest.raises(BuildError, match=r"A-HRC-28-10\.txt and .*copy\.txt"):
        build(content, tmp_path / "output")


def test_a_second_build_of_the_same_output_refuses_while_the_first_runs(tmp_path):
    from site_builder.write import exclusive
    content = copy_content(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    before = snapshot(output)
    with exclusive(output):  # as if another build held it
        with pytest.raises(BuildError, match="another build is writing"):
            build(content, output)
    assert snapshot(output) == before
    build(content, output)  # and once it is done, building works again


def test_a_recommendation_page_lists_related_recommendations(seed_site):
    page = (seed_site / "reviews/kazakhstan/cycle-2/125.8/index.html").read_text(encoding="utf-8")  # Ratify CRPD
    section = page.split('<h2 id="related">', 1)[1].split("</section>", 1)[0]
    assert section.count('<li><a class="rec-id"') == 5 and 'href="/reviews/kazakhstan/cycle-2/125.8/"' not in section
    assert section.count("Persons with Disabilities") + section.count("CRPD") >= 5


def test_content_without_site_settings_builds_with_the_defaults(tmp_path):
    content = copy_content(tmp_path)
    (content / "site.yaml").unlink()
    build(content, tmp_path / "output")
    build(content, tmp_path / "output")  # and again, incrementally
    assert 'href="https://example.org/"' in (tmp_path / "output" / "index.html").read_text(encoding="utf-8")


def test_a_long_state_record_is_listed_on_pages_of_its_own(monkeypatch, seed):
    from site_builder import archive_pages as pages_module
    from site_builder import pages
    from site_builder.enrich import build_archive
    from site_builder.render import environment, render_page
    from site_builder.urls import Urls
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 3)
    monkeypatch.setattr(pages_module, "STATE_PAGE_RECOMMENDATIONS", 2)
    monkeypatch.setattr(pages_module, "STATE_PAGE_STATEMENTS", 0)
    urls = Urls("https://example.org")
    site = {"title": "T", "tagline": "", "base_url": "https://example.org", "language": "en", "licence": ""}
    found = {page.url: page for page in pages_module.site_pages(build_archive([seed]), urls, site, [])}
    spain = found["/states/spain/"]
    made = len(spain.template_context()["profile"].made)
    assert made > 6 and not spain.template_context()["list_texts"]
    lists = [url for url in found if url.startswith("/states/spain/recommendations/")]
    assert len(lists) == -(-made // 3) and "/states/spain/recommendations/page-2/" in lists
    html = render_page(environment(urls, site), spain).decode()
    assert 'href="/states/spain/recommendations/"' in html and 'class="rec-list"' not in html
    assert "also spoke in 1 more dialogue" in html


def test_with_several_broken_reports_the_error_names_the_first_whichever_core_parsed_it(tmp_path):
    content = copy_content(tmp_path)
    for name in ("b-broken.txt", "a-broken.txt", "c-broken.txt"):
        (content / "reports" / name).write_text("not a report at all\n" * 50, encoding="utf-8")
    for name in ("seed-copy-%d.txt" % n for n in range(2)):  # enough reports for two tasks
        shutil.copy(content / "reports" / "A-HRC-28-10.txt", content / "reports" / name)
    with pytest.raises(BuildError) as failure:
        build(content, tmp_path / "output")
    assert str(failure.value).startswith(str(content / "reports" / "a-broken.txt"))


def test_the_reviews_index_and_a_states_reviews_are_listed_within_the_page_limit(monkeypatch, seed, corpus):
    from site_builder import archive_pages as pages_module
    from site_builder import pages
    from site_builder.enrich import build_archive
    from site_builder.parse import parse_file
    from site_builder.render import environment, render_page
    from site_builder.urls import Urls
    monkeypatch.setattr(pages, "LIST_PAGE_SIZE", 1)
    monkeypatch.setattr(pages_module, "STATE_PAGE_RECOMMENDATIONS", 0)
    monkeypatch.setattr(pages_module, "STATE_PAGE_REVIEWS", 1)
    urls = Urls("https://example.org")
    site = {"title": "T", "tagline": "", "base_url": "https://example.org", "language": "en", "licence": ""}
    archive = build_archive([seed, parse_file(corpus / "reports" / "tonga2008.txt")])
    found = {page.url: page for page in pages_module.site_pages(archive, urls, site, [])}
    assert "/reviews/" in found and "/reviews/page-2/" in found and "/reviews/page-3/" not in found
    first = render_page(environment(urls, site), found["/reviews/"]).decode()
    assert 'href="/reviews/page-2/"' in first and first.count('<td><a href="/reviews/') == 1
    both = [url for url, page in found.items() if url.startswith("/states/") and url.count("/") == 3
            and len(page.template_context().get("made_groups", ())) == 2]
    assert both, "no state recommended in both reviews"
    html = render_page(environment(urls, site), found[both[0]]).decode()
    assert "… and 1 more review:" in html


def test_a_long_reviews_table_is_paged_and_every_row_is_on_one_page(monkeypatch, seed):
    from site_builder import archive_pages as pages_module
    from site_builder import report_pages
    from site_builder.enrich import build_archive
    from site_builder.render import environment, render_page
    from site_builder.urls import Urls
    monkeypatch.setattr(report_pages, "REVIEW_TABLE_PAGE_SIZE", 100)
    urls = Urls("https://example.org")
    site = {"title": "T", "tagline": "", "base_url": "https://example.org", "language": "en", "licence": ""}
    found = {page.url: page for page in pages_module.site_pages(build_archive([seed]), urls, site, [])}
    first = "/reviews/kazakhstan/cycle-2/recommendations/"
    tables = sorted((url for url in found if url.startswith(first)), key=len)
    assert tables[0] == first and len(tables) == -(-len(seed.recommendations) // 100) > 1
    rows = [rec.id for url in tables for _, rec in found[url].template_context()["rows"]]
    assert rows == [rec.id for rec in seed.recommendations]  # each once, in the report's order
    html = render_page(environment(urls, site), found[first + "page-2/"]).decode()
    assert f'href="{first}"' in html and "page 2 of" in html and f"{len(seed.recommendations)} recommendations" in html


def test_a_long_list_links_the_pages_near_the_one_shown_not_every_page():
    """Page 250 of 509: the first and last, two either side, previous and next; "…" for the
    rest. Every page is still reached by following the links."""
    from site_builder.pages import pagination
    from site_builder.render import environment
    from site_builder.urls import Urls

    def url_of(n):
        return f"/recommendations/page-{n}/"

    shown = pagination(250, 509, url_of)
    assert [n for n, _ in shown["links"]] == [1, None, 248, 249, 250, 251, 252, None, 509]
    assert (shown["previous"], shown["next"]) == (url_of(249), url_of(251))
    # a single page left out is linked rather than replaced by "…"
    assert [n for n, _ in pagination(4, 7, url_of)["links"]] == [1, 2, 3, 4, 5, 6, 7]
    assert [n for n, _ in pagination(1, 9, url_of)["links"]] == [1, 2, 3, None, 9]
    ends = pagination(1, 2, url_of), pagination(2, 2, url_of)
    assert (ends[0]["previous"], ends[1]["next"]) == (None, None)
    reached, to_visit = set(), [1]
    while to_visit:
        number = to_visit.pop()
        reached.add(number)
        to_visit += [n for n, _ in pagination(number, 509, url_of)["links"] if n and n not in reached]
    assert reached == set(range(1, 510))
    site = {"title": "T", "tagline": "", "base_url": "https://example.org", "language": "en", "licence": ""}
    html = environment(Urls("https://example.org"), site).get_template("_partials/pagination.html").render(
        pagination=shown)
    assert html.count("<a ") == 9  # seven pages, previous and next
    assert f'<a href="{url_of(250)}" aria-current="page">250</a>' in html
    assert f'<a href="{url_of(249)}" rel="prev">Previous</a>' in html and f'href="{url_of(251)}" rel="next"' in html
    assert html.count('<li class="gap" aria-hidden="true">…</li>') == 2


class _FirstPaint(HTMLParser):
    """What a page asks the browser for before it can paint: stylesheets, and scripts that are
    neither deferred nor async (JSON-LD is data, not a script to run)."""

    def __init__(self):
        super().__init__()
        self.stylesheets: list[str] = []
        self.blocking_scripts: list[str] = []
        self.style_elements = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs.get("href") or "")
        elif tag == "script" and attrs.get("type") != "application/ld+json" \
                and "defer" not in attrs and "async" not in attrs:
            self.blocking_scripts.append(attrs.get("src") or "inline")
        elif tag == "style":
            self.style_elements += 1


def test_every_page_paints_from_its_html_and_one_stylesheet(seed_site):
    """Issue 7: a page's first paint needs no more than its HTML and one CSS file, which itself
    imports nothing."""
    pages = sorted(seed_site.rglob("*.html"))
    assert len(pages) > 400
    stylesheets = set()
    for path in pages:
        found = _FirstPaint()
        found.feed(path.read_text(encoding="utf-8"))
        assert len(found.stylesheets) == 1 and not found.blocking_scripts and not found.style_elements, path
        stylesheets |= set(found.stylesheets)
    assert len(stylesheets) == 1  # the same file on every page, cached after the first
    css = (seed_site / stylesheets.pop().lstrip("/")).read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css
