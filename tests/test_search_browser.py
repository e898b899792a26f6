"""The search page in a real headless Chromium, served with the site's Content-Security-Policy:
results as the reader types, word forms and highlights, filters (themes and action levels
too), shareable URLs and history, suggestions, markup in a query shown as text, the keyboard,
scripts under the CSP, an index that cannot be fetched. That the page gives what its Python
twin gives is test_search_twin.py's."""

from __future__ import annotations

import re
import shutil
from urllib.parse import quote_plus, urlsplit

import pytest

from site_builder.search_query import search
from search_page import (  # noqa: F401 (fixtures)
    CSP, browser, expect, page, problems, result_links, said, searched, seed_url, shown_counts, shows, status,
    themed_page, themed_site, themed_url, url_params, urls_of)

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")


def test_results_appear_while_typing_and_lead_to_the_recommendation(page, seed_site):
    page.goto("/search/")
    page.locator("#q").press_sequentially("journalists", delay=15)
    expected = search(seed_site, "journalists")
    shows(page, said(expected.total, "journalists"))
    assert result_links(page) == urls_of(expected)
    assert url_params(page) == {"q": ["journalists"]}
    first = page.locator(".result-recommendation h3 a").first
    href = first.get_attribute("href")
    assert href == next(hit.record["u"] for hit in expected.hits if hit.record["k"] == "recommendation")
    first.click()
    page.wait_for_url(re.compile(r"/reviews/kazakhstan/cycle-2/\d+\.\d+/$"))
    assert urlsplit(page.url).path == href


def test_the_home_page_search_box_leads_to_the_results(page, seed_site):
    page.goto("/")
    page.fill("#q", "death penalty")
    page.press("#q", "Enter")
    page.wait_for_url("**/search/?q=death+penalty")
    expected = search(seed_site, "death penalty")
    shows(page, said(expected.total, "death penalty"))
    assert result_links(page) == urls_of(expected)


def test_a_word_finds_its_other_forms_and_the_matches_are_marked(page, seed_site):
    page.goto("/search/?q=journalist")
    expected = search(seed_site, "journalist")
    shows(page, said(expected.total, "journalist"))
    assert result_links(page) == urls_of(expected) == urls_of(search(seed_site, "journalists"))
    marks = [text.lower() for text in page.locator(".results mark").all_inner_texts()]
    assert "journalists" in marks and all(mark.startswith("journalist") for mark in marks)
    # a recommendation shows its position and who made it
    item = page.locator(".result-recommendation").first
    assert item.locator(".position").inner_text() in ("Supported", "Noted")
    assert "Recommended by " in item.locator(".result-meta").inner_text()


def test_a_phrase_is_marked_whole_and_a_paragraph_shows_a_snippet(page, seed_site):
    query = '"freedom of expression"'
    page.goto("/search/?q=" + quote_plus(query))
    expected = search(seed_site, query)
    shows(page, said(expected.total, query))
    assert result_links(page) == urls_of(expected)
    assert "freedom of expression" in [m.lower() for m in page.locator(".results mark").all_inner_texts()]
    page.goto("/search/?q=delegation")
    searched(page, "delegation")
    snippet = page.locator(".result-paragraph .result-text").first
    assert snippet.locator("mark").count()
    assert len(snippet.inner_text()) <= 310


def test_a_filter_narrows_the_results_and_any_restores_them(page, seed_site):
    page.goto("/search/?q=death+penalty")
    everything = search(seed_site, "death penalty")
    shows(page, said(everything.total, "death penalty"))
    noted = everything.facets["position"]["noted"]
    assert f"Noted ({noted})" in page.locator("#facet-position option").all_inner_texts()
    page.select_option("#facet-position", "noted")
    narrowed = search(seed_site, "death penalty", {"position": "noted"})
    assert narrowed.total == noted < everything.total
    shows(page, said(noted, "death penalty", filters=1))
    assert result_links(page) == urls_of(narrowed)
    assert url_params(page) == {"q": ["death penalty"], "position": ["noted"]}
    assert page.locator(".search-clear").is_visible()
    page.select_option("#facet-position", "")
    shows(page, said(everything.total, "death penalty"))
    assert result_links(page) == urls_of(everything)
    assert url_params(page) == {"q": ["death penalty"]}


def test_filters_alone_list_their_documents_and_clearing_them_says_what_to_type(page, seed_site):
    page.goto("/search/?position=noted")
    expected = search(seed_site, "", {"position": "noted"})
    shows(page, f"{expected.total} results with 1 filter.")
    assert result_links(page) == urls_of(expected)
    page.get_by_role("button", name="Clear filters").click()
    expect(page.locator(".search-help")).to_be_visible()
    assert urlsplit(page.url).query == ""


def test_paging_shows_the_range_and_the_next_ten(page, seed_site):
    page.goto("/search/?q=torture")
    first, second = search(seed_site, "torture"), search(seed_site, "torture", page=2)
    shows(page, said(first.total, "torture"))
    assert page.locator(".search-range").inner_text() == f"1–10 of {first.total}"
    page.get_by_role("link", name="Next page").click()
    shows(page, selector=".search-range", text=f"11–20 of {first.total}")
    assert result_links(page) == urls_of(second)
    assert url_params(page) == {"q": ["torture"], "page": ["2"]}
    assert page.evaluate("document.activeElement.id") == "results-heading"
    page.go_back()
    shows(page, selector=".search-range", text=f"1–10 of {first.total}")


def test_a_shared_url_restores_the_search_and_back_and_forward_restore_each(page, seed_site):
    page.goto("/search/?q=death+penalty&position=noted&by=SWE")
    shows(page, 
        "No results for “death penalty” with 2 filters. Try clearing the filters.")
    assert search(seed_site, "death penalty", {"position": "noted", "by": "SWE"}).total == 0
    assert page.input_value("#q") == "death penalty"
    assert page.input_value("#facet-position") == "noted"
    assert page.input_value("#facet-by") == "SWE"
    assert page.locator("#facet-by option:checked").inner_text() == "Sweden (0)"  # chosen stays, at 0

    page.goto("/search/?q=death+penalty&position=noted")
    first = search(seed_site, "death penalty", {"position": "noted"})
    shows(page, said(first.total, "death penalty", filters=1))
    assert result_links(page) == urls_of(first)
    page.fill("#q", "torture")
    page.press("#q", "Enter")
    second = search(seed_site, "torture", {"position": "noted"})
    shows(page, said(second.total, "torture", filters=1))
    page.go_back()
    shows(page, said(first.total, "death penalty", filters=1))
    assert page.input_value("#q") == "death penalty" and page.input_value("#facet-position") == "noted"
    assert result_links(page) == urls_of(first)
    page.go_forward()
    shows(page, said(second.total, "torture", filters=1))
    assert result_links(page) == urls_of(second)


def test_markup_in_a_query_is_shown_as_text_and_never_runs(page, problems):
    query = "<img src=x onerror=alert(1)>"
    page.goto("/search/?q=" + quote_plus(query))
    searched(page, query)
    page.fill("#q", query + " torture")
    page.press("#q", "Enter")
    searched(page, query + " torture")
    assert query in status(page).inner_text()
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(100)  # an onerror would have fired by now
    assert problems["dialogs"] == []


def test_empty_zero_hit_and_misspelt_queries_each_say_something_useful(page, seed_site):
    page.goto("/search/")
    help_text = page.locator(".search-help")
    expect(help_text).to_be_visible()
    assert "quotes for an exact phrase" in help_text.inner_text() and "excludes" in help_text.inner_text()
    assert not page.locator(".search-results").is_visible()

    page.fill("#q", "zzzzqqq")
    shows(page, "No results for “zzzzqqq”.")
    expect(help_text).to_be_hidden()

    page.fill("#q", "jurnalists")
    shows(page, "No results for “jurnalists”. Did you mean “journalists”?")
    page.locator(".search-status a", has_text="journalists").click()
    shows(page, said(search(seed_site, "journalists").total, "journalists"))
    assert page.input_value("#q") == "journalists"
    assert url_params(page) == {"q": ["journalists"]}

    page.fill("#q", "")
    expect(help_text).to_be_visible()


def test_the_keyboard_reaches_the_filters_and_the_first_result(page):
    page.goto("/search/?q=torture")
    searched(page, "torture")
    assert page.locator(".search-status").get_attribute("aria-live") == "polite"
    page.focus("#q")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("(e => e.id || e.getAttribute('href') || e.textContent)(document.activeElement)"))
        if page.evaluate("document.activeElement.matches('.results a')"):
            break
    assert reached[:6] == ["Search", "facet-position", "facet-by", "facet-sur", "facet-group", "facet-cycle"], reached
    assert reached[-1] == result_links(page)[0], reached
    page.focus("#facet-position")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus from the keyboard shows its ring
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_no_script_errors_and_no_policy_violations_under_the_sites_csp(page, problems):
    response = page.goto("/search/?q=torture")
    assert response.headers["content-security-policy"] == CSP
    searched(page, "torture")
    page.select_option("#facet-position", "supported")
    page.get_by_role("link", name="Next page").click()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.cspViolations") == []
    # the listener is live: an inline script is refused, and reported
    page.evaluate("document.body.append(Object.assign(document.createElement('script'), {textContent: '1'}))")
    page.wait_for_function("window.cspViolations.length > 0")
    page.evaluate("window.cspViolations.length = 0")
    assert [m for m in problems["console"] if "inline script" in m]
    problems["console"] = []


def test_an_index_that_cannot_be_fetched_is_explained(page, problems):
    page.route("**/search/meta.json", lambda route: route.fulfill(status=500, body="broken"))
    page.goto("/search/?q=torture")
    expect(status(page)).to_contain_text("Search is not available right now")
    assert not page.locator(".search-results").is_visible()
    problems["console"] = [m for m in problems["console"] if "500" not in m]  # the failed fetch itself


def test_theme_and_level_filters_narrow_count_and_live_in_the_url(themed_page, themed_site):
    page = themed_page
    page.goto("/search/?q=women")
    everything = search(themed_site, "women")
    shows(page, said(everything.total, "women"))
    assert shown_counts(page, "theme") == everything.facets["theme"] and len(everything.facets["theme"]) > 1
    assert shown_counts(page, "level") == everything.facets["level"]
    children = everything.facets["theme"]["childrens-rights"]
    assert f"Rights of the child ({children})" in page.locator("#facet-theme option").all_inner_texts()
    page.get_by_label("Theme").select_option("childrens-rights")  # the select is labelled
    narrowed = search(themed_site, "women", {"theme": "childrens-rights"})
    assert narrowed.total == children < everything.total
    shows(page, said(children, "women", filters=1))
    assert result_links(page) == urls_of(narrowed)
    assert url_params(page) == {"q": ["women"], "theme": ["childrens-rights"]}
    level = max(narrowed.facets["level"], key=narrowed.facets["level"].get)
    page.get_by_label("Action level").select_option(level)
    both = search(themed_site, "women", {"theme": "childrens-rights", "level": level})
    shows(page, said(both.total, "women", filters=2))
    assert result_links(page) == urls_of(both) and both.total == narrowed.facets["level"][level]
    assert url_params(page) == {"q": ["women"], "theme": ["childrens-rights"], "level": [level]}
    page.go_back()
    shows(page, said(children, "women", filters=1))
    assert page.input_value("#facet-theme") == "childrens-rights" and page.input_value("#facet-level") == ""
    page.go_back()
    shows(page, said(everything.total, "women"))
    assert page.input_value("#facet-theme") == ""
    page.go_forward()
    shows(page, said(children, "women", filters=1))
    assert result_links(page) == urls_of(narrowed)


def test_a_theme_and_a_level_alone_list_their_recommendations(themed_page, themed_site):
    page = themed_page
    page.goto("/search/?theme=death-penalty&level=5")
    expected = search(themed_site, "", {"theme": "death-penalty", "level": "5"})
    shows(page, f"{expected.total} results with 2 filters.")
    assert expected.total and result_links(page) == urls_of(expected)
    assert page.locator("#facet-theme option:checked").inner_text() == f"Death penalty ({expected.total})"
    assert page.locator("#facet-level option:checked").inner_text() == f"5 · Specific action ({expected.total})"
    assert page.get_by_label("Theme").is_visible() and page.get_by_label("Action level").is_visible()


def test_the_real_themes_and_levels_of_the_seed_are_filters(page):
    """The parser classifies the seed: its themes and levels are offered, with counts."""
    page.goto("/search/?q=torture")
    searched(page, "torture")
    expect(page.locator("#facet-theme")).to_be_visible()
    expect(page.locator("#facet-level")).to_be_visible()
    expect(page.locator("#facet-theme option[value='torture']")).to_have_count(1)
