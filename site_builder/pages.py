"""What a page is, and what every kind of page shares: the Page itself, the labels and titles
the pages use, and a long list cut into pages.

`report_pages.py` makes a report's own pages; `archive_pages.py` the pages about the whole
archive, and the list of every page of the site. Contexts are ready-made plain data; templates
only lay them out. Datasette-style, a test can check what a page will say without rendering it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .enrich import StateProfile
from .model import NOTED, PENDING, SUPPORTED, Recommendation, Report
from .tallies import counts

POSITION_LABELS = {SUPPORTED: "Supported", NOTED: "Noted", PENDING: "Pending", "unknown": "Position unknown"}



@dataclass(frozen=True)
class Page:
    url: str
    template: str
    title: str
    description: str
    # What the template shows. Or a function that makes it, called when the page is rendered (on
    # the core that renders it): the 100,000 recommendation pages' contexts, made beforehand
    # and kept, took half a gigabyte.
    context: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    breadcrumbs: tuple[tuple[str, str], ...] = ()  # (label, url) from the home page down
    kind: str = "website"  # Open Graph type
    # What the page is made from besides templates and code, for incremental builds: report
    # sources, ALL_REPORTS, or "file:PATH" for a prose page's Markdown.
    inputs: tuple[str, ...] = ()

    def template_context(self) -> dict[str, Any]:
        """What the template shows, made now when it is made on demand."""
        return self.context() if callable(self.context) else self.context


ALL_REPORTS = "*"
VALUE = "value:"  # an input that is a value the page shows, not a file


def long_date(iso: str | None) -> str:
    """`2014-12-10` → `10 December 2014`, as UN documents write dates."""
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%B')} {day.year}"


def review_title(report: Report) -> str:
    review = report.review
    when = f"cycle {review.cycle}" if review.cycle else f"session {review.wg_session}"
    return f"{review.state_under_review.name}, {when}"


def citation(report: Report, rec: Recommendation) -> str:
    """The reference a journalist pastes, in the form UN documents are cited."""
    document = report.document
    symbol = f"UN Doc {document.symbol}" if document.symbol else "UN Doc (symbol not given)"
    date = f" ({long_date(document.date)})" if document.date else ""
    states = ", ".join(state.name for state in rec.recommended_by)
    position = rec.position
    if rec.response:  # the final position is the addendum's: say so, as a footnote would
        position = f"{position}{' in part' if rec.response.in_part else ''}, UN Doc {rec.response.document}"
    return (f"{document.title}: {report.review.state_under_review.name}, {symbol}{date}, "
            f"para. {rec.id} ({states + '; ' if states else ''}{position})")


# (review URL, recommendation id) → the related recommendations, as the same keys
Related = dict[tuple[str, str], list[tuple[str, str]]]

# A group of pages made on demand, by the renderer that renders them (build.py).
PageGroup = Callable[[], list[Page]]


@dataclass(frozen=True)
class KnownInputs:
    """A group of pages made on demand that can say, without making them, what they are all made
    from (every report their `inputs` name, and values that change whenever theirs do): a build
    that finds the same inputs as the last one reuses the group's files without making its
    pages. At 100,000 recommendations, making the reports' 101,000 pages only to find them
    unchanged was most of a build with nothing to do."""

    make: PageGroup
    inputs: Callable[[], tuple[str, ...]]

    def __call__(self) -> list[Page]:
        return self.make()


def pages_of(group: PageGroup | list[Page]) -> list[Page]:
    """A group's pages: made now if it makes them on demand."""
    return group() if callable(group) else group

# Rows per page of the long lists: keeps each page well under 200 KB of HTML.
LIST_PAGE_SIZE = 200


def paged(rows: list, page_size: int | None = None) -> list[tuple[int, int, list, int]]:
    """`rows` cut into pages of `page_size` (LIST_PAGE_SIZE): for each, its number, how many
    pages there are, its rows and the number of its first row. One page, empty, when there are
    no rows: a list keeps its address however short it gets."""
    page_size = page_size or LIST_PAGE_SIZE
    total = max(1, -(-len(rows) // page_size))
    return [(number, total, rows[(number - 1) * page_size:number * page_size], (number - 1) * page_size + 1)
            for number in range(1, total + 1)]


# Pages linked either side of the one shown, besides the first, the last, the previous and the next.
PAGES_NEAR = 2


def pagination(number: int, total_pages: int, url_of, last: bool = True) -> dict:
    """What _partials/pagination.html shows: this page, the previous and the next, and links to
    the first, the last (unless `last` is false) and the pages near this one, with (None, None)
    where pages are left out. Linking every page from every page made the archive's list of
    500 pages 40 KB of links on each of them, and a sixth of the time spent rendering the long
    lists."""
    ends = (1, total_pages) if last else (1,)
    shown = sorted({n for n in (*ends, *range(number - PAGES_NEAR, number + PAGES_NEAR + 1))
                    if 1 <= n <= total_pages})
    links: list[tuple[int | None, str | None]] = []
    for n in shown:
        if links and n - links[-1][0] == 2:  # one page left out: its link takes no more room than "…"
            links.append((n - 1, url_of(n - 1)))
        elif links and n - links[-1][0] > 2:
            links.append((None, None))
        links.append((n, url_of(n)))
    if shown[-1] < total_pages:  # pages after those linked
        links.append((None, None))
    return {"page": number, "pages": total_pages, "links": links,
            "previous": url_of(number - 1) if number > 1 else None,
            "next": url_of(number + 1) if number < total_pages else None}


def list_pages(rows: list[tuple[Report, Recommendation]], url_of, title: str, what: str,
               crumbs: tuple[tuple[str, str], ...], inputs: tuple[str, ...], report: Report | None = None,
               page_size: int | None = None) -> list[Page]:
    """A long list of recommendations as pages of `page_size` (LIST_PAGE_SIZE) rows: `url_of(n)`
    is page n.

    A review's own table (`report`) says on every page how long it is. A list across reviews
    grows as reviews are held and joins them at its end (enrich.held_order), so only its first
    page gives the whole list's count, tally and last page; the others show their rows and the
    pages near them, and are fingerprinted by just that. Adding a review then leaves all but
    the first and last few pages of each list as they were: page 12 of a state's list keeps the
    rows a reader cited, and the build does not render it again (at 100,000 recommendations,
    1,600 list pages changed with every review added when each showed the whole list's totals)."""
    pages = []
    for number, total_pages, chunk, first in paged(rows, page_size):
        rows_shown = f"rows {first}–{first + len(chunk) - 1}"
        whole = report is not None or number == 1
        page_crumbs = crumbs + (((f"Page {number}", url_of(number)),) if number > 1 else ())
        if report is not None:
            page_title = title + (f", page {number} of {total_pages}" if total_pages > 1 else "")
        else:
            page_title = title + (f", page {number}" if number > 1 else "")
        shown = pagination(number, total_pages, url_of, last=whole)
        if whole:
            description = (f"{what}: {len(rows)} recommendations"
                           + (f"; {rows_shown}" if total_pages > 1 else ""))
            page_inputs = inputs
        else:
            description = f"{what}: {rows_shown}"
            page_inputs = (*sorted({row_report.source for row_report, _ in chunk}),
                           VALUE + "|".join(f"{row_report.source}#{rec.id}" for row_report, rec in chunk),
                           VALUE + repr((shown["links"], shown["previous"], shown["next"])))
        pages.append(Page(
            url_of(number), "recommendation_list.html", page_title,
            description + ". Sortable and filterable by position, recommending state, regional group and cycle.",
            # made when rendered: the tally of the whole list, on its first page, or of the rows shown
            functools.partial(_list_context, rows if whole else chunk, chunk, whole, url_of(1), report, shown),
            breadcrumbs=page_crumbs,
            inputs=page_inputs,
        ))
    return pages


def _list_context(counted: list, rows: list, whole: bool, first_page: str, report: Report | None,
                  pagination: dict) -> dict[str, Any]:
    return {"rows": rows, "counts": counts(rec for _, rec in counted), "whole": whole, "first_page": first_page,
            "report": report, "pagination": pagination}


def state_roles(profile: StateProfile) -> list[str]:
    roles = []
    if profile.reviews:
        roles.append("state under review")
    if profile.made:
        roles.append("recommending state")
    if profile.statements:
        roles.append("speaker")
    if profile.troika_of:
        roles.append("troika member")
    return roles

