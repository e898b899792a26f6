"""What site.js adds, in a real headless Chromium: copy buttons, sorting and filtering — and
that the pages still work without it."""

import shutil

import pytest



playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")

LIST = "/reviews/kazakhstan/cycle-2/recommendations/"


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser, seed_server):
    context = browser.new_context(base_url=seed_server)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=seed_server)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def visible_ids(page):
    return page.eval_on_selector_all(
        "#recommendations-table tbody tr:not([hidden]) td:first-child", "cells => cells.map(c => c.textContent.trim())")


def test_copy_buttons_copy_the_citation_and_the_permalink(page):
    page.goto("/reviews/kazakhstan/cycle-2/125.8/")
    page.get_by_role("button", name="Copy citation").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Report of the Working Group on the Universal Periodic Review: Kazakhstan, "
                             "UN Doc A/HRC/28/10 (10 December 2014), para. 125.8 (Hungary, Spain; supported)")
    page.get_by_role("button", name="Copy link").click()
    assert page.evaluate("navigator.clipboard.readText()") == \
        "https://upr-archive.netlify.app/reviews/kazakhstan/cycle-2/125.8/"


def test_filtering_by_position_and_state_narrows_the_table(page):
    page.goto(LIST)
    assert len(visible_ids(page)) == 194
    page.select_option("select[data-filter=position]", "noted")
    assert len(visible_ids(page)) == 51
    assert page.locator(".filter-status").inner_text() == "51 of 194 recommendations shown"
    page.select_option("select[data-filter=state]", "Hungary")
    ids = visible_ids(page)
    assert "126.8" in ids and all(i.startswith("126.") for i in ids)
    page.select_option("select[data-filter=position]", "")
    page.select_option("select[data-filter=state]", "")
    page.fill("input[data-filter=text]", "death penalty")
    texts = page.eval_on_selector_all("#recommendations-table tbody tr:not([hidden])",
                                      "rows => rows.map(r => r.textContent.toLowerCase())")
    assert 0 < len(texts) < 194
    assert all("death" in text and "penalty" in text for text in texts)


def test_a_query_in_the_address_restores_the_text_filter(page):
    page.goto(LIST + "?q=defamation")
    ids = visible_ids(page)
    assert "126.35" in ids and len(ids) < 20


def test_sorting_by_id_reverses_on_a_second_click(page):
    page.goto(LIST)
    header = page.locator("th[data-sort=id]")
    header.click()
    assert visible_ids(page)[:2] == ["124.1", "124.2"]
    header.click()
    assert visible_ids(page)[0] == "126.51"
    assert header.get_attribute("aria-sort") == "descending"


def test_without_javascript_everything_is_there_and_no_dead_controls(browser, seed_server):
    context = browser.new_context(base_url=seed_server, java_script_enabled=False)
    page = context.new_page()
    page.goto(LIST)
    assert page.locator("#recommendations-table tbody tr").count() == 194
    assert not page.locator(".table-tools").is_visible()
    page.goto("/reviews/kazakhstan/cycle-2/125.8/")
    assert "para. 125.8 (Hungary, Spain; supported)" in page.locator("#citation-text").inner_text()
    assert not page.get_by_role("button", name="Copy citation").is_visible()
    context.close()


@pytest.fixture(scope="module")
def paginated_server(tmp_path_factory):
    """The seed built with 50 rows a list page, so the archive-wide list and the review's table
    have four pages each."""
    import functools
    import http.server
    import threading

    import site_builder.pages as pages_module
    import site_builder.report_pages as report_pages
    from site_builder.build import build
    from site_fixtures import CONTENT

    output = tmp_path_factory.mktemp("paginated") / "output"
    saved = pages_module.LIST_PAGE_SIZE, report_pages.REVIEW_TABLE_PAGE_SIZE
    pages_module.LIST_PAGE_SIZE = report_pages.REVIEW_TABLE_PAGE_SIZE = 50
    try:
        build(CONTENT, output)
    finally:
        pages_module.LIST_PAGE_SIZE, report_pages.REVIEW_TABLE_PAGE_SIZE = saved
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_filtering_a_paged_review_table_filters_all_its_rows(browser, paginated_server):
    page = browser.new_page(base_url=paginated_server)
    page.goto("/reviews/kazakhstan/cycle-2/recommendations/?q=defamation")
    page.wait_for_function("document.querySelector('.filter-status').textContent.includes('of 194')")
    ids = visible_ids(page)
    assert "126.35" in ids  # on page 4 of the static table
    assert not page.locator("#list-pages").is_visible()
    link = page.locator("#recommendations-table a", has_text="126.35")
    assert link.get_attribute("href") == "/reviews/kazakhstan/cycle-2/126.35/"
    # the rows made from the review's JSON have the table's columns, as the built rows do
    cells = page.evaluate("Array.from(document.querySelectorAll('#recommendations-table tbody tr'))"
                          ".map(row => row.cells.length)")
    assert set(cells) == {page.locator("#recommendations-table thead th").count()} == {4}
    page.close()


def test_filtering_a_paged_long_list_filters_its_page_and_points_to_search(browser, paginated_server):
    page = browser.new_page(base_url=paginated_server)
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto("/recommendations/")
    page.get_by_label("Text").fill("the")
    page.wait_for_function("document.querySelector('.filter-status').textContent.includes('of 50')")
    assert not any(url.endswith(".json") for url in fetched)  # never the archive's 86 MB at 100k
    assert page.locator(".filter-scope a", has_text="Search").get_attribute("href") == "/search/"
    assert page.locator("#list-pages").is_visible()
    page.close()
