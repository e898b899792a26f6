"""The search page in Chromium gives what its Python twin (site_builder.search_query, which
`site-builder search` uses) gives: the same total, top ten and facet counts, and it fetches
exactly the index files the twin reads — for the 30 judged queries and some filters on the seed
plus the corpus, theme and action-level filters on the seed with stand-in themes, and an index
in two tiers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from site_builder.enrich import build_archive
from site_builder.search_export import export_search_index
from site_builder.search_query import search
from site_builder.urls import Urls
from site_fixtures import CORPUS, ROOT, corpus_content
from search_page import (  # noqa: F401 (fixtures)
    QUERIES, THEMED_FILTERS, browser, differences, fetches_only_what_the_twin_reads, open_page, problems,
    result_links, searched, seed_url, serving, shown_total, themed_page, themed_site, themed_url, urls_of, with_index)

pytestmark = pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")

CORPUS_TEST = "test_the_browser_and_the_command_line_give_the_same_top_ten"
# Filters the corpus test checks too, with words and alone (themes and levels: THEMED_FILTERS).
CORPUS_FILTERS = [("death penalty", {"position": "noted"}), ("torture", {"group": "Western European and others"}),
                  ("", {"by": "FRA", "cycle": "3"}), ("women", {"sur": "KAZ"}), ("", {"position": "supported"}),
                  ("journalists", {"cycle": "2", "position": "supported"}), ("", {"group": "African"})]


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


@pytest.fixture(scope="module")
def tiered_url(seed_site, seed, tmp_path_factory):
    """The seed site with its search index in two tiers (search.tier_ends): the review's docs,
    then the states."""
    from site_builder import search as search_module
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_module, "TIER_BLOCKS", (1,))
        files = export_search_index(build_archive([seed]), Urls("https://example.org"))
    assert len(yaml.safe_load(files["search/meta.json"])["tiers"]) == 2
    site = with_index(seed_site, files, tmp_path_factory.mktemp("tiered-site"))
    with serving(site) as url:
        yield url, site



def test_the_page_fetches_only_the_files_its_twin_reads(browser, seed_url, seed_site, problems):
    fetches_only_what_the_twin_reads(browser, seed_url, seed_site, problems, (
        ("journalists", {}), ('"freedom of expression" -torture', {"position": "supported"}),
        ("jurnalists", {}), ("", {"by": "SWE"})))
    assert problems == {"errors": [], "console": [], "dialogs": []}


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
