"""The search page in a real headless Chromium, served with the site's Content-Security-Policy:
results as the reader types, word forms and highlights, filters, shareable URLs and history,
suggestions, markup in a query shown as text, the keyboard, the files fetched — and, for the 30
judged queries and some filters on the seed plus the corpus, and for theme and action-level
filters on the seed with stand-in themes, the same results as the command line's engine
(site_builder.search_query, the client's Python twin)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

import pytest
import yaml

from site_builder.enrich import build_archive
from site_builder.search_export import export_search_index
from site_builder.search_query import FACETS, search
from site_builder.urls import Urls
from site_fixtures import CORPUS, ROOT, corpus_content
from site_fixtures import serving as serve_folder
from test_search_facets import classified

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
expect = playwright.expect

NETLIFY = tomllib.loads((ROOT / "netlify.toml").read_text())
CSP = next(h["values"]["Content-Security-Policy"] for h in NETLIFY["headers"] if h["for"] == "/*")
CORPUS_TEST = "test_the_browser_and_the_command_line_give_the_same_top_ten"
QUERIES = [entry["query"] for entry in yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text())]
# Filters the corpus test checks too, with words and alone (themes and levels: THEMED_FILTERS).
CORPUS_FILTERS = [("death penalty", {"position": "noted"}), ("torture", {"group": "Western European and others"}),
                  ("", {"by": "FRA", "cycle": "3"}), ("women", {"sur": "KAZ"}), ("", {"position": "supported"}),
                  ("journalists", {"cycle": "2", "position": "supported"}), ("", {"group": "African"})]
THEMED_FILTERS = [("", {"theme": "torture"}), ("", {"level": "5"}), ("", {"theme": "ratification", "level": "5"}),
                  ("women", {"theme": "childrens-rights"}), ("convention", {"theme": "ratification"}),
                  ("death penalty", {"theme": "death-penalty", "position": "noted"}), ("", {"theme": "womens-rights", "by": "SWE"}),
                  ("torture", {"level": "4"}), ("", {"theme": "no-such-theme"}), ("rights", {"level": "3", "group": "African"})]


def serving(folder: Path):
    """A built site, served with the Content-Security-Policy Netlify sends."""
    return serve_folder(folder, {"Content-Security-Policy": CSP})


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def seed_url(seed_site):
    with serving(seed_site) as url:
        yield url


class CorpusBuild:
    """build(corpus_content(folder), folder / "output"), once per test session, in a child process
    that starts with this module so its ~20 s overlap the browser tests (a thread would hold the
    GIL the test servers need). Under xdist the workers share the folder: the first one to claim
    it builds, any other waits for the build's marker."""

    CHILD = """if True:
        import sys, traceback
        from pathlib import Path
        from site_builder.build import build
        folder = Path(sys.argv[1])
        try:
            build(folder / "content", folder / "output")
        except BaseException:
            traceback.print_exc()
            (folder / "failed").touch()
            raise
        (folder / "done").touch()"""

    def __init__(self, folder: Path):
        self.folder, self.process = folder, None

    def start(self) -> None:
        try:
            os.close(os.open(self.folder / "claimed", os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            return  # another worker builds it
        corpus_content(self.folder)
        with (self.folder / "build.log").open("wb") as log:
            self.process = subprocess.Popen([sys.executable, "-c", self.CHILD, str(self.folder)],
                                            stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    def result(self) -> Path:
        self.start()
        deadline = time.monotonic() + 300
        while not (self.folder / "done").exists():
            if (self.folder / "failed").exists() or time.monotonic() > deadline:
                pytest.fail("building the seed plus the corpus failed:\n" + (self.folder / "build.log").read_text())
            time.sleep(0.1)
        return self.folder / "output"

    def stop(self) -> None:
        """Ends an unfinished build nobody needs; under xdist another worker may, so let it finish."""
        if self.process is not None and self.process.poll() is None:
            if "PYTEST_XDIST_WORKER" not in os.environ:
                self.process.terminate()
            self.process.wait()


@pytest.fixture(scope="module", autouse=True)
def corpus_build(request, tmp_path_factory):
    """Starts building the corpus site with this module, when the comparison is to run."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if "PYTEST_XDIST_WORKER" in os.environ else base) / "search-corpus"
    folder.mkdir(exist_ok=True)
    building = CorpusBuild(folder)
    if any(item.name == CORPUS_TEST for item in request.session.items) and (CORPUS / "reports").is_dir():
        building.start()
    yield building
    building.stop()


@pytest.fixture(scope="module")
def corpus_site(corpus_build) -> Path:
    return corpus_build.result()


def with_index(site: Path, files: dict[str, bytes], folder: Path) -> Path:
    """A copy of a built site in `folder`, its search index replaced by `files`."""
    output = folder / "output"
    shutil.copytree(site, output)
    docs = {path: data for path, data in files.items() if path.startswith("search/docs/")}
    assert docs == {path: (output / path).read_bytes() for path in docs}  # the same docs, the same links
    for path in (output / "search").iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        elif path.suffix == ".json":
            path.unlink()
    for path, data in files.items():
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        (output / path).write_bytes(data)
    return output


@pytest.fixture(scope="module")
def themed_site(seed_site, seed, tmp_path_factory) -> Path:
    """The seed site with the search index of its recommendations given stand-in themes and
    action levels (test_search_index.classified): the classifier is not in this branch."""
    files = export_search_index(classified(build_archive([seed])), Urls("https://example.org"))
    return with_index(seed_site, files, tmp_path_factory.mktemp("themed-site"))


@pytest.fixture(scope="module")
def tiered_url(seed_site, seed, tmp_path_factory):
    """The seed site with its search index in two tiers (search.tier_ends): the review's docs,
    then the states."""
    from site_builder import search as search_module
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_module, "TIER_REVIEWS", 1)
        files = export_search_index(build_archive([seed]), Urls("https://example.org"))
    assert len(yaml.safe_load(files["search/meta.json"])["tiers"]) == 2
    site = with_index(seed_site, files, tmp_path_factory.mktemp("tiered-site"))
    with serving(site) as url:
        yield url, site


@pytest.fixture(scope="module")
def themed_url(themed_site):
    with serving(themed_site) as url:
        yield url


@pytest.fixture
def problems():
    """What must not happen on a page: script errors, console errors (CSP violations are), dialogs."""
    return {"errors": [], "console": [], "dialogs": []}


def open_page(browser, base_url, problems):
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(5_000)  # a search takes milliseconds: fail fast
    page = context.new_page()
    page.on("pageerror", lambda error: problems["errors"].append(str(error)))
    page.on("console", lambda message: message.type == "error" and problems["console"].append(message.text))
    page.on("dialog", lambda dialog: (problems["dialogs"].append(dialog.message), dialog.dismiss()))
    page.add_init_script("window.cspViolations = []; document.addEventListener('securitypolicyviolation',"
                         " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));")
    return context, page


@pytest.fixture
def page(browser, seed_url, problems):
    context, page = open_page(browser, seed_url, problems)
    yield page
    context.close()
    assert problems == {"errors": [], "console": [], "dialogs": []}


@pytest.fixture
def themed_page(browser, themed_url, problems):
    context, page = open_page(browser, themed_url, problems)
    yield page
    context.close()
    assert problems == {"errors": [], "console": [], "dialogs": []}


def status(page):
    return page.locator(".search-status")


def shows(page, text: str, selector: str = ".search-status") -> None:
    """Waits until the element reads `text` exactly (checked each frame); if it never does, the
    assertion says what it read."""
    try:
        page.wait_for_function("([s, t]) => document.querySelector(s)?.textContent === t", arg=[selector, text])
    except playwright.TimeoutError:
        assert page.locator(selector).inner_text() == text


def searched(page, query: str) -> None:
    """Waits until the status speaks of `query` (it changes only once the results are shown)."""
    page.wait_for_function("(q) => document.querySelector('.search-status').textContent.includes('“' + q + '”')",
                           arg=query.strip())


def result_links(page) -> list[str]:
    return page.eval_on_selector_all(".results > li h3 a", "links => links.map(a => a.getAttribute('href'))")


def shown_total(page) -> int:
    text = status(page).inner_text()
    found = re.match(r"([\d,]+) results? ", text)
    assert found or text.startswith("No results"), text
    return int(found.group(1).replace(",", "")) if found else 0


def said(total: int, query: str, filters: int = 0) -> str:
    """The status line for `total` results, as the page words it."""
    where = f" with {filters} filter{'s' if filters != 1 else ''}" if filters else ""
    return f"{total:,} result{'s' if total != 1 else ''} for “{query}”{where}."


def urls_of(result) -> list[str]:
    return [hit.record["u"] for hit in result.hits]


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_counts(page, facet: str) -> dict[str, int]:
    """value → the count a facet's select shows for it ("Any" left out)."""
    options = page.eval_on_selector_all(f"#facet-{facet} option", "os => os.map(o => [o.value, o.textContent])")
    return {value: int(re.search(r"\(([\d,]+)\)$", text).group(1).replace(",", "")) for value, text in options if value}


def differences(page, base_url: str, site: Path, cases) -> list[str]:
    """Each (query, facets) opened as a URL: where the page and the command line's engine differ
    in the total, the results shown or any facet's counts."""
    found = []
    for query, facets in cases:
        page.goto(f"{base_url}/search/?" + urlencode({"q": query, **facets}))
        page.wait_for_function("() => document.querySelector('.search-status').textContent")
        expected = search(site, query, facets)
        shown = (shown_total(page), result_links(page))
        if shown != (expected.total, urls_of(expected)):
            found.append(f"{query!r} {facets}: browser {shown}, command line {(expected.total, urls_of(expected))}")
        for name in FACETS if expected.total else ():
            counts = {**({facets[name]: 0} if name in facets else {}), **expected.facets[name]}  # the chosen, even at 0
            if shown_counts(page, name) != counts:
                found.append(f"{query!r} {facets}: {name} counts {shown_counts(page, name)} ≠ {counts}")
    return found


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


def fetches_only_what_the_twin_reads(browser, url, site, problems, searches):
    """Each search in the browser fetches exactly the index files the Python twin reads."""
    for query, facets in searches:
        context, page = open_page(browser, url, problems)
        fetched = []
        page.on("request", lambda request: fetched.append(urlsplit(request.url).path))
        page.goto("/search/?" + urlencode({"q": query, **facets}))
        page.wait_for_function("() => document.querySelector('.search-status').textContent")
        page.wait_for_timeout(50)  # nothing more is on its way
        index_files = sorted(path.lstrip("/") for path in fetched if path.startswith("/search/") and path != "/search/")
        assert index_files == sorted(search(site, query, facets).files_read), (query, facets)
        context.close()


def test_the_page_fetches_only_the_files_its_twin_reads(browser, seed_url, seed_site, problems):
    fetches_only_what_the_twin_reads(browser, seed_url, seed_site, problems, (
        ("journalists", {}), ('"freedom of expression" -torture', {"position": "supported"}),
        ("jurnalists", {}), ("", {"by": "SWE"})))
    assert problems == {"errors": [], "console": [], "dialogs": []}


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


def test_the_browser_and_the_command_line_give_the_same_top_ten(browser, corpus_site, problems):
    """The 30 judged queries on the seed plus the corpus, typed one after another into one page."""
    assert len(QUERIES) == 30
    with serving(corpus_site) as url:
        context, page = open_page(browser, url, problems)
        page.goto("/search/")
        different = []
        for query in QUERIES:
            page.fill("#q", query)
            page.press("#q", "Enter")
            searched(page, query)
            expected = search(corpus_site, query)
            shown = (shown_total(page), result_links(page))
            if shown != (expected.total, urls_of(expected)):
                different.append(f"{query}: browser {shown}, command line {(expected.total, urls_of(expected))}")
        different += differences(page, url, corpus_site, CORPUS_FILTERS)
        context.close()
    assert not different, "\n".join(different)
    assert problems == {"errors": [], "console": [], "dialogs": []}


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


def test_the_browser_and_the_command_line_agree_on_theme_and_level_filters(themed_page, themed_url, themed_site):
    different = differences(themed_page, themed_url, themed_site, THEMED_FILTERS)
    assert not different, "\n".join(different)


def test_a_theme_search_fetches_only_the_files_its_twin_reads(browser, themed_url, themed_site, problems):
    fetches_only_what_the_twin_reads(browser, themed_url, themed_site, problems, (
        ("", {"theme": "torture"}), ("", {"level": "3", "position": "supported"}),
        ("torture", {"theme": "torture", "level": "5"}), ("", {"theme": "no-such-theme"})))
    assert problems == {"errors": [], "console": [], "dialogs": []}


def test_an_index_in_tiers_gives_the_browser_the_command_lines_results(browser, tiered_url, problems):
    """The client reads a shard of each tier for each term, and scores the docs of both tiers
    from their raw figures: the same results and counts as its Python twin, from the same files."""
    url, site = tiered_url
    cases = [(query, {}) for query in QUERIES] + [
        ("sweden", {}), ('"death penalty"', {}), ("hungary women", {"position": "noted"}), ("", {"by": "SWE"})]
    context, page = open_page(browser, url, problems)
    different = differences(page, url, site, cases)
    context.close()
    assert not different, "\n".join(different)
    fetches_only_what_the_twin_reads(browser, url, site, problems, (
        ("sweden", {}), ('"freedom of expression" -torture', {"position": "supported"})))
    assert "search/terms/1/sw.json" in search(site, "sweden").files_read
    assert problems == {"errors": [], "console": [], "dialogs": []}
