"""Every URL of the site, and nothing else.

Published links are a promise: journalists cite these paths, so they are made only of things
that never change — the state's slug, the UPR cycle and the recommendation id as printed — and a
test pins the full list for the seed. Templates get an instance as `urls` and never join paths.
"""

from __future__ import annotations

import functools
from urllib.parse import quote, quote_plus

from .classify.taxonomy import Theme
from .model import Recommendation, Report, State

OFFICIAL_DOCUMENTS = "https://undocs.org/"


class Urls:
    def __init__(self, base_url: str, assets: dict[str, str] | None = None):
        self.base_url = base_url.rstrip("/")
        self._assets = assets or {}
        self._parts: dict[str, dict[int, int]] = {}  # report source → paragraph number → part
        # id of report → (the report, its review's URL): asked for some 20 times per page made,
        # half a million times in a build at 100,000 recommendations
        self._reviews: dict[int, tuple[Report, str]] = {}

    # --- pages --------------------------------------------------------------------------------
    def home(self) -> str:
        return "/"

    def reviews(self, page: int = 1) -> str:
        """Every review, in pages of LIST_PAGE_SIZE rows."""
        return _paged("/reviews/", page)

    def review(self, report: Report) -> str:
        found = self._reviews.get(id(report))
        if found is None or found[0] is not report:  # (an id can be reused once its report is gone)
            found = self._reviews[id(report)] = (report, f"/reviews/{review_key(report)}/")
        return found[1]

    def review_part(self, report: Report, part: int) -> str:
        """Part `part` of a report too long for one page (see `report_parts`); part 1 is the
        review's page."""
        return self.review(report) if part == 1 else f"{self.review(report)}part-{part}/"

    def part_of(self, report: Report, number: int) -> int:
        """The part of the report that holds paragraph `number`."""
        if report.source not in self._parts:
            self._parts[report.source] = report_parts(report)
        return self._parts[report.source].get(number, 1)

    def paragraph(self, report: Report, number: int) -> str:
        return f"{self.review_part(report, self.part_of(report, number))}#{paragraph_anchor(number)}"

    def review_section(self, report: Report, part: int, anchor: str) -> str:
        """A heading of the report (`section-2-1`) on the part `part` that holds it."""
        return f"{self.review_part(report, part)}#{anchor}"

    def recommendation_in_review(self, report: Report, rec: Recommendation) -> str:
        part = self.part_of(report, rec.paragraph)
        return f"{self.review_part(report, part)}#{recommendation_anchor(rec)}"

    def recommendation(self, report: Report, rec: Recommendation) -> str:
        return f"{self.review(report)}{_quoted(rec.id)}/"

    def recommendation_from_review(self, rec: Recommendation, part: int = 1) -> str:
        """`recommendation`, relative to the review's page (or part) that lists it: the long
        review pages stay short."""
        return f"{'../' if part > 1 else ''}{quote(rec.id)}/"

    def review_recommendations(self, report: Report, page: int = 1) -> str:
        """The table of a review's recommendations, in pages of REVIEW_TABLE_PAGE_SIZE rows."""
        return _paged(f"{self.review(report)}recommendations/", page)

    def recommendations(self, page: int = 1) -> str:
        """The archive-wide list, in pages of LIST_PAGE_SIZE rows."""
        return _paged("/recommendations/", page)

    def states(self) -> str:
        return "/states/"

    def state(self, state: State) -> str:
        return f"/states/{state.slug}/"

    def state_recommendations(self, state: State, page: int = 1) -> str:
        """Every recommendation a state made, in pages of LIST_PAGE_SIZE rows."""
        return _paged(f"{self.state(state)}recommendations/", page)

    def themes(self) -> str:
        return "/themes/"

    def theme(self, theme: Theme) -> str:
        return f"/themes/{theme.slug}/"

    def theme_recommendations(self, theme: Theme, page: int = 1) -> str:
        """Every recommendation on a theme, in pages of LIST_PAGE_SIZE rows."""
        return _paged(f"{self.theme(theme)}recommendations/", page)

    def search(self, query: str = "") -> str:
        """The search page; with a query, the shareable URL of its results."""
        return f"/search/?q={quote_plus(query)}" if query else "/search/"

    def search_index(self) -> str:
        """The folder of the static search index's files (search_format.py lists them)."""
        return "/search/"

    def page(self, name: str) -> str:
        return f"/{name}/"

    def not_found(self) -> str:
        return "/404.html"

    # --- data, feeds and machine files --------------------------------------------------------
    def review_data(self, report: Report, extension: str) -> str:
        return f"/data/reviews/{review_key(report).replace('/', '-')}.{extension}"

    def archive_data(self, extension: str) -> str:
        return f"/data/recommendations.{extension}"

    def feed(self) -> str:
        return "/feed.xml"

    def sitemap(self) -> str:
        return "/sitemap.xml"

    def asset(self, name: str) -> str:
        """A static file, by its fingerprinted name when the build has made one."""
        return f"/assets/{self._assets.get(name, name)}"

    # --- outside the site ---------------------------------------------------------------------
    def absolute(self, url: str) -> str:
        return self.base_url + url

    def official_document(self, report: Report) -> str | None:
        return self.document_by_symbol(report.document.symbol)

    def document_by_symbol(self, symbol: str | None) -> str | None:
        """A UN document on the Official Document System, by its symbol (`A/HRC/43/15/Add.1`)."""
        return OFFICIAL_DOCUMENTS + symbol if symbol and symbol.startswith("A/") else None

    def symbol_paths(self, report: Report) -> list[str]:
        """Ways in by UN symbol, `/A/HRC/28/10`, that redirect to the review's page."""
        symbol = report.document.symbol
        return ["/" + symbol] if symbol else []


def _paged(first: str, page: int) -> str:
    """Page `page` of a list whose first page is at `first`: `…/page-2/` and on."""
    return first if page == 1 else f"{first}page-{page}/"


# A review's page holds the whole report, so that each paragraph is cited on it. A report too
# long for one page (REVIEW_PAGE_WEIGHT, with issue 7's 200 KB limit in mind) is published in
# parts of about equal length, cut between paragraphs. Which paragraph goes where is counted from
# the report's own text, never from the markup, so that no template change can move a paragraph
# to another address; the rule is part of the URL promise: do not change these numbers.
REVIEW_PAGE_WEIGHT = 170_000
ITEM_WEIGHT = 200  # what a paragraph or a listed recommendation adds besides its characters


def report_parts(report: Report) -> dict[int, int]:
    """Paragraph number → the part (1, 2, …) of the report's pages that holds it."""
    listed: dict[int, int] = {}
    for rec in report.recommendations:
        weight = ITEM_WEIGHT + len(rec.text) + sum(len(state.name) + 2 for state in rec.recommended_by)
        listed[rec.paragraph] = listed.get(rec.paragraph, 0) + weight
    weights = [ITEM_WEIGHT + len(para.text) + listed.get(para.number, 0) for para in report.paragraphs]
    total = sum(weights)
    count = -(-total // REVIEW_PAGE_WEIGHT) or 1
    parts: dict[int, int] = {}
    part, before = 1, 0
    for para, weight in zip(report.paragraphs, weights):
        # A new part starts at the first paragraph past its share of the whole.
        if part < count and before >= part * total / count:
            part += 1
        parts.setdefault(para.number, part)
        before += weight
    return parts


# The ids repeat from report to report ("125.42"): quoted once each.
_quoted = functools.lru_cache(maxsize=4096)(quote)


def review_key(report: Report) -> str:
    """`kazakhstan/cycle-2`: a state is reviewed once per cycle."""
    review = report.review
    period = f"cycle-{review.cycle}" if review.cycle else f"session-{review.wg_session or 'unknown'}"
    return f"{review.state_under_review.slug}/{period}"


def paragraph_anchor(number: int) -> str:
    return f"para-{number}"


def recommendation_anchor(rec: Recommendation) -> str:
    return f"rec-{rec.id}"


def output_path(url: str) -> str:
    """The file in output/ that serves a URL: `/states/spain/` → `states/spain/index.html`."""
    path = url.split("#", 1)[0].lstrip("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path
