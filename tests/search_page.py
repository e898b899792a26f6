"""The search page in a real headless Chromium, for test_search_browser.py (the page) and
test_search_twin.py (the page against its Python twin): Chromium, the built seed site served
with the site's Content-Security-Policy, the seed site with stand-in themes, and what the tests
read off the page."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import yaml

from site_builder.enrich import build_archive
from site_builder.search_export import export_search_index
from site_builder.search_query import FACETS, search
from site_builder.urls import Urls
from site_fixtures import ROOT
from site_fixtures import serving as serve_folder
from test_search_facets import classified


playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

NETLIFY = tomllib.loads((ROOT / "netlify.toml").read_text())
CSP = next(h["values"]["Content-Security-Policy"] for h in NETLIFY["headers"] if h["for"] == "/*")
QUERIES = [entry["query"] for entry in yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text())]
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


def checked_page(browser, base_url, problems):
    """A page of the site at `base_url` for one test, which must leave no problem behind."""
    context, page = open_page(browser, base_url, problems)
    yield page
    context.close()
    assert problems == {"errors": [], "console": [], "dialogs": []}


@pytest.fixture
def page(browser, seed_url, problems):
    yield from checked_page(browser, seed_url, problems)


@pytest.fixture
def themed_page(browser, themed_url, problems):
    yield from checked_page(browser, themed_url, problems)


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
