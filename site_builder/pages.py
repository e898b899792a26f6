"""The archive → the list of pages: for each, its URL, its template and the context it shows.

Contexts are ready-made plain data; templates only lay them out. Datasette-style, a test can
check what a page will say without rendering it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import charts
from .across import NOTHING, AcrossCycles, ThemeRecord, across_cycles, theme_records
from .classify.taxonomy import themes_by_slug
from .classify.themes import rules_by_theme
from .enrich import Archive, Made, StateProfile
from .model import NOTED, PENDING, SUPPORTED, Recommendation, Report, State
from .states import load_registry
from .tallies import by_action_level, by_cycle, counts, share_specific, share_supported
from .urls import Urls

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


def _lead_ins(report: Report) -> dict[int, str]:
    """The words that introduce each list of recommendations, by paragraph number."""
    list_paragraphs = {rec.paragraph for rec in report.recommendations}
    return {p.number: p.text for p in report.paragraphs if p.number in list_paragraphs}


def _speaker_words(para) -> dict[str, str]:
    """Where a paragraph opens with its speaker's name as printed ("The Czech Republic
    welcomed …"), those words become the link to the state, so the name is not said twice."""
    none = {"speaker_words": "", "rest": para.text}
    if para.speaker is None:
        return none
    found = load_registry().match_at_start(para.text)
    if found is None or found[0] != para.speaker:
        return none
    return {"speaker_words": para.text[: found[1]], "rest": para.text[found[1]:]}


def _home(archive: Archive, urls: Urls, site: dict) -> Page:
    all_recs = [rec for report in archive.reports for rec in report.recommendations]
    return Page(
        urls.home(), "home.html", site["title"], site["tagline"],
        {"reviews": archive.reports, "counts": counts(all_recs), "total": len(all_recs),
         "state_count": len(archive.profiles)},
        inputs=(ALL_REPORTS,),
    )


def _review(report: Report, urls: Urls) -> list[Page]:
    """The review's page: the whole report, in one page or, when too long, in parts (urls.py
    says where each paragraph goes); the facts, counts and charts lead the first part."""
    title = review_title(report)
    lists = defaultdict(list)
    for rec in report.recommendations:
        lists[rec.paragraph].append(rec)
    # Every heading of the report, numbered once for the whole report, and where it starts.
    sections: list[dict] = []
    by_part: dict[int, list[dict]] = defaultdict(list)  # what each part shows, headings and all
    for para in report.paragraphs:  # numbered 1, 2, 3 … once each (parse/paragraphs.py)
        part = urls.part_of(report, para.number)
        if not sections or sections[-1]["title"] != para.section:
            sections.append(_heading(para.section, f"section-{len(sections) + 1}", part, report, urls))
        subsections = sections[-1]["subsections"]
        if not subsections or subsections[-1]["title"] != para.subsection:
            subsections.append(_heading(para.subsection, f"{sections[-1]['anchor']}-{len(subsections) + 1}",
                                        part, report, urls))
        shown = by_part[part]
        # a section going on from the part before is headed again there, marked as continued
        if not shown or shown[-1]["anchor"] != sections[-1]["anchor"]:
            shown.append({**sections[-1], "subsections": [], "continued": sections[-1]["part"] != part})
        if not shown[-1]["subsections"] or shown[-1]["subsections"][-1]["anchor"] != subsections[-1]["anchor"]:
            shown[-1]["subsections"].append({**subsections[-1], "paragraphs": [],
                                             "continued": subsections[-1]["part"] != part})
        shown[-1]["subsections"][-1]["paragraphs"].append(
            {"paragraph": para, "recommendations": lists.get(para.number, []), **_speaker_words(para)})
    parts = [{"number": number, "url": urls.review_part(report, number),
              "first": paragraphs[0], "last": paragraphs[-1]}
             for number, paragraphs in sorted(_paragraph_numbers_by_part(report, urls).items())]
    description = (f"{report.document.title}: {report.review.state_under_review.name} "
                   f"({report.document.symbol or 'cycle ' + str(report.review.cycle)}) — "
                   f"{len(report.recommendations)} recommendations, "
                   + ", ".join(f"{n} {p}" for p, n in counts(report.recommendations).items()))
    common = {"report": report, "contents": sections, "parts": parts}
    pages = [Page(
        urls.review(report), "review.html", f"Universal Periodic Review of {title}", description,
        {**common, "part": 1, "sections": by_part[1], "counts": counts(report.recommendations),
         "recommending_states": sorted(report.recommending_states, key=lambda s: s.name),
         "charts": [charts.recommendations_by_group(report), charts.recommendations_by_action_level(report)],
         "responses": dict(sorted(Counter(rec.response.document for rec in report.recommendations
                                          if rec.response).items()))},
        breadcrumbs=(("Archive", urls.home()), ("Reviews", urls.reviews()), (title, urls.review(report))),
        kind="article",
        inputs=(report.source,),
    )]
    for part in parts[1:]:
        label = f"part {part['number']} of {len(parts)}"
        pages.append(Page(
            part["url"], "review.html", f"Universal Periodic Review of {title}, {label}",
            f"{description}. This page: paragraphs {part['first']}–{part['last']} ({label}).",
            {**common, "part": part["number"], "sections": by_part[part["number"]]},
            breadcrumbs=(("Archive", urls.home()), ("Reviews", urls.reviews()), (title, urls.review(report)),
                         (label.capitalize(), part["url"])),
            kind="article",
            inputs=(report.source,),
        ))
    return pages


def _heading(title: str | None, anchor: str, part: int, report: Report, urls: Urls) -> dict:
    return {"title": title, "anchor": anchor, "part": part, "url": urls.review_section(report, part, anchor),
            "subsections": []}


def _paragraph_numbers_by_part(report: Report, urls: Urls) -> dict[int, list[int]]:
    numbers: dict[int, list[int]] = defaultdict(list)
    for para in report.paragraphs:
        numbers[urls.part_of(report, para.number)].append(para.number)
    return numbers


def _review_recommendations(report: Report, urls: Urls) -> list[Page]:
    title = review_title(report)
    return _list_pages(
        [(report, rec) for rec in report.recommendations], lambda n: urls.review_recommendations(report, n),
        f"Recommendations to {title}",
        f"Every recommendation made to {report.review.state_under_review.name} in its review",
        (("Archive", urls.home()), ("Reviews", urls.reviews()), (title, urls.review(report)),
         ("Recommendations", urls.review_recommendations(report))),
        (report.source,), report=report, page_size=REVIEW_TABLE_PAGE_SIZE)


# (review URL, recommendation id) → the related recommendations, as the same keys
Related = dict[tuple[str, str], list[tuple[str, str]]]


def _recommendation(report: Report, rec: Recommendation, index: int, urls: Urls,
                    by_state: dict[State, list[Recommendation]], lead_ins: dict[int, str],
                    related: list[tuple[Report, Recommendation]], across: AcrossCycles) -> Page:
    title = review_title(report)
    recs = report.recommendations

    def context() -> dict[str, Any]:
        recommenders = set(rec.recommended_by)
        chosen = {id(other) for state in rec.recommended_by for other in by_state[state]}
        return {"report": report, "rec": rec, "lead_in": lead_ins.get(rec.paragraph, ""),
                "statements": [p for p in report.paragraphs if p.speaker in recommenders],
                "others": [other for other in recs if id(other) in chosen and other is not rec],
                "previous": recs[index - 1] if index > 0 else None,
                "next": recs[index + 1] if index + 1 < len(recs) else None,
                "citation": citation(report, rec), "related": related,
                "themes": [themes_by_slug()[slug] for slug in rec.themes],
                "earlier": across.earlier[-ACROSS_CYCLES_SHOWN:], "later": across.later[:ACROSS_CYCLES_SHOWN]}
    states = ", ".join(state.name for state in rec.recommended_by) or "no state named"
    return Page(
        urls.recommendation(report, rec), "recommendation.html",
        f"Recommendation {rec.id} to {report.review.state_under_review.name} ({states})",
        f"{rec.text[:200]} — {POSITION_LABELS[rec.position]}; {title}",
        context,
        breadcrumbs=(("Archive", urls.home()), (report.review.state_under_review.name,
                                                 urls.state(report.review.state_under_review)),
                     (title, urls.review(report)), (rec.id, urls.recommendation(report, rec))),
        kind="article",
        # the related list comes from the whole archive: the page changes when the list does,
        # or when a report it shows changes — not whenever any report is added
        inputs=(report.source,
                *sorted(({other.source for other, _ in related} | across.sources) - {report.source}),
                VALUE + "|".join(urls.recommendation(other, other_rec) for other, other_rec in related),
                VALUE + "|".join(urls.recommendation(m.report, m.recommendation)
                                 for m in (*across.earlier, *across.later))),
    )


def _recommendations_by_state(report: Report) -> dict[State, list[Recommendation]]:
    found: dict[State, list[Recommendation]] = defaultdict(list)
    for rec in report.recommendations:
        for state in rec.recommended_by:
            found[state].append(rec)
    return found


def _state(profile: StateProfile, urls: Urls) -> Page:
    state = profile.state
    by_review: dict[str, list[Made]] = defaultdict(list)
    order: list[Report] = []
    for made in profile.made:
        key = urls.review(made.report)
        if key not in by_review:
            order.append(made.report)
        by_review[key].append(made)
    made_groups = [{"report": report, "made": by_review[urls.review(report)],
                    "share_supported": share_supported(m.recommendation for m in by_review[urls.review(report)])}
                   for report in sorted(order, key=lambda r: (r.review.cycle or 0, r.review.state_under_review.name))]
    parts = []
    if profile.reviews:
        parts.append(f"reviewed {len(profile.reviews)} time(s)")
    if profile.made:
        parts.append(f"made {len(profile.made)} recommendation(s) to {len(made_groups)} state(s)")
    return Page(
        urls.state(state), "state.html", state.name,
        f"{state.name} in the Universal Periodic Review: " + ", ".join(parts or ["spoke in reviews"]) + ".",
        {"profile": profile, "made_groups": made_groups, "reviews_listed": made_groups[:STATE_PAGE_REVIEWS],
         # a state page stays short (under 200 KB) however long the record: past these, the
         # recommendations are listed on their own pages and older statements only linked
         "list_texts": len(profile.made) <= STATE_PAGE_RECOMMENDATIONS,
         "statements": profile.statements[:STATE_PAGE_STATEMENTS],
         "more_statements": profile.statements[STATE_PAGE_STATEMENTS:],
         "reviews": [{"report": r, "counts": counts(r.recommendations)} for r in profile.reviews],
         "made_counts": counts(m.recommendation for m in profile.made),
         "positions_chart": charts.positions_by_cycle(state.name, profile.reviews) if profile.reviews else None,
         "received_by_cycle": by_cycle([Made(r, rec) for r in profile.reviews for rec in r.recommendations]),
         "made_by_cycle": by_cycle(profile.made),
         "made_levels": by_action_level(m.recommendation for m in profile.made),
         "share_specific": share_specific(m.recommendation for m in profile.made),
         "share_supported": share_supported(m.recommendation for m in profile.made)},
        breadcrumbs=(("Archive", urls.home()), ("States", urls.states()), (state.name, urls.state(state))),
        inputs=tuple(sorted({r.source for r in (*profile.reviews, *profile.troika_of)}
                            | {m.report.source for m in profile.made}
                            | {s.report.source for s in profile.statements})),
    )


def _states(archive: Archive, urls: Urls) -> Page:
    groups: dict[str, list[StateProfile]] = defaultdict(list)
    for profile in archive.profiles:
        groups[profile.state.group].append(profile)
    return Page(
        urls.states(), "states.html", "States",
        f"All {len(archive.profiles)} states in the archive, as states under review, "
        "recommending states and speakers.",
        {"groups": sorted(groups.items())},
        breadcrumbs=(("Archive", urls.home()), ("States", urls.states())),
        inputs=(ALL_REPORTS,),
    )


def _reviews(archive: Archive, urls: Urls) -> list[Page]:
    """Every review, LIST_PAGE_SIZE a page: the whole UPR record is some 700."""
    reports = archive.reports
    total_pages = max(1, -(-len(reports) // LIST_PAGE_SIZE))
    pages = []
    for number in range(1, total_pages + 1):
        chunk = reports[(number - 1) * LIST_PAGE_SIZE: number * LIST_PAGE_SIZE]
        pages.append(Page(
            urls.reviews(number), "reviews.html",
            "Reviews" + (f", page {number} of {total_pages}" if total_pages > 1 else ""),
            f"All {len(reports)} reviews in the archive"
            + (f"; rows {(number - 1) * LIST_PAGE_SIZE + 1}–{(number - 1) * LIST_PAGE_SIZE + len(chunk)}."
               if total_pages > 1 else "."),
            {"reviews": [{"report": r, "counts": counts(r.recommendations)} for r in chunk],
             "pagination": _pagination(number, total_pages, urls.reviews)},
            breadcrumbs=(("Archive", urls.home()), ("Reviews", urls.reviews()))
            + (((f"Page {number}", urls.reviews(number)),) if number > 1 else ()),
            inputs=(ALL_REPORTS,),
        ))
    return pages


# Rows per page of the long lists: keeps each page well under 200 KB of HTML.
LIST_PAGE_SIZE = 200
STATE_PAGE_RECOMMENDATIONS = 200
STATE_PAGE_STATEMENTS = 40
STATE_PAGE_REVIEWS = 200  # reviews listed by name on a state's page; the table has them all
THEME_PAGE_RECOMMENDATIONS = 200
# A review's table stays whole up to here (the longest real review, Iran 2014, has 291): past it,
# 388 rows came to 199 KB.
REVIEW_TABLE_PAGE_SIZE = 300
ACROSS_CYCLES_SHOWN = 20  # on each side: the nearest cycles first


def _pagination(number: int, total_pages: int, url_of) -> dict:
    """What _partials/pagination.html shows: this page, and a link to each page of the list."""
    return {"page": number, "pages": total_pages, "links": [(n, url_of(n)) for n in range(1, total_pages + 1)]}


def _list_pages(rows: list[tuple[Report, Recommendation]], url_of, title: str, what: str,
                crumbs: tuple[tuple[str, str], ...], inputs: tuple[str, ...], report: Report | None = None,
                page_size: int | None = None) -> list[Page]:
    """A long list of recommendations as pages of `page_size` (LIST_PAGE_SIZE) rows: `url_of(n)`
    is page n."""
    page_size = page_size or LIST_PAGE_SIZE
    total_pages = max(1, -(-len(rows) // page_size))
    tally = counts(rec for _, rec in rows)  # once: each page shows the whole list's
    pages = []
    for number in range(1, total_pages + 1):
        chunk = rows[(number - 1) * page_size: number * page_size]
        page_crumbs = crumbs + (((f"Page {number}", url_of(number)),) if number > 1 else ())
        pages.append(Page(
            url_of(number), "recommendation_list.html",
            title + (f", page {number} of {total_pages}" if total_pages > 1 else ""),
            f"{what}: {len(rows)} recommendations"
            + (f"; rows {(number - 1) * page_size + 1}–{(number - 1) * page_size + len(chunk)}" if total_pages > 1 else "")
            + ". Sortable and filterable by position, recommending state, regional group and cycle.",
            {"rows": chunk, "counts": tally, "report": report,
             "pagination": _pagination(number, total_pages, url_of)},
            breadcrumbs=page_crumbs,
            inputs=inputs,
        ))
    return pages


def _all_recommendations(archive: Archive, urls: Urls) -> list[Page]:
    rows = [(report, rec) for report in archive.reports for rec in report.recommendations]
    return _list_pages(rows, urls.recommendations, "All recommendations", "Every recommendation in the archive, by review",
                       (("Archive", urls.home()), ("Recommendations", urls.recommendations())), (ALL_REPORTS,))


def _state_recommendations(profile: StateProfile, urls: Urls, inputs: tuple[str, ...]) -> list[Page]:
    state = profile.state
    rows = [(made.report, made.recommendation) for made in profile.made]
    return _list_pages(rows, lambda n: urls.state_recommendations(state, n), f"Recommendations made by {state.name}",
                       f"Every recommendation {state.name} made, by review",
                       (("Archive", urls.home()), ("States", urls.states()), (state.name, urls.state(state)),
                        ("Recommendations made", urls.state_recommendations(state))), inputs)


def _themes(records: tuple[ThemeRecord, ...], urls: Urls) -> Page:
    shipped = [r for r in records if r.theme.shipped]
    return Page(
        urls.themes(), "themes.html", "Themes",
        f"The {len(shipped)} themes every recommendation is sorted into by published rules, from the "
        "death penalty to the rights of persons with disabilities, with how many recommendations each holds.",
        {"records": [{"record": r, "counts": counts(m.recommendation for m in r.made)} for r in shipped],
         "withheld": [r.theme for r in records if not r.theme.shipped]},
        breadcrumbs=(("Archive", urls.home()), ("Themes", urls.themes())),
        inputs=(ALL_REPORTS,),
    )


def _theme(record: ThemeRecord, urls: Urls) -> Page:
    theme = record.theme
    recs = [m.recommendation for m in record.made]
    under_review: dict[str, list[Made]] = defaultdict(list)
    for made in record.made:
        under_review[made.report.review.state_under_review.name].append(made)
    reviews: dict[int, list[Made]] = defaultdict(list)  # by report, in the record's order
    for made in record.made:
        reviews[id(made.report)].append(made)
    return Page(
        urls.theme(theme), "theme.html", f"{theme.name}: UPR recommendations",
        (f"{theme.name} in the Universal Periodic Review: {len(recs)} recommendations. {theme.description}"
         if theme.shipped else f"{theme.name}: a theme whose rules do not yet pass the archive's precision test, "
                               "so no recommendation is given it."),
        {"record": record, "theme": theme, "counts": counts(recs), "by_cycle": by_cycle(record.made, theme.slug),
         "rules": rules_by_theme()[theme.slug],
         "chart": charts.theme_by_cycle(theme, list({id(m.report): m.report for m in record.made}.values())),
         "by_state_under_review": [{"state": made[0].report.review.state_under_review, "total": len(made),
                                    "counts": counts(m.recommendation for m in made),
                                    "share_supported": share_supported(m.recommendation for m in made)}
                                   for _, made in sorted(under_review.items())],
         "list_texts": len(recs) <= THEME_PAGE_RECOMMENDATIONS,
         "groups": [{"report": made[0].report, "made": made} for made in reviews.values()]},
        breadcrumbs=(("Archive", urls.home()), ("Themes", urls.themes()), (theme.name, urls.theme(theme))),
        inputs=tuple(sorted({m.report.source for m in record.made})),
    )


def _theme_recommendations(record: ThemeRecord, urls: Urls, inputs: tuple[str, ...]) -> list[Page]:
    theme = record.theme
    return _list_pages([(m.report, m.recommendation) for m in record.made],
                       lambda n: urls.theme_recommendations(theme, n), f"Recommendations on {theme.name.lower()}",
                       f"Every recommendation on {theme.name.lower()}, by cycle and state under review",
                       (("Archive", urls.home()), ("Themes", urls.themes()), (theme.name, urls.theme(theme)),
                        ("Recommendations", urls.theme_recommendations(theme))), inputs)


def _search(urls: Urls) -> Page:
    """The page only: its results come from the static index in the browser."""
    return Page(
        urls.search(), "search.html", "Search",
        "Search every recommendation, paragraph, review and state in the archive; narrow by position, "
        "recommending state, state under review, regional group, cycle, theme and action level.",
        {},
        breadcrumbs=(("Archive", urls.home()), ("Search", urls.search())),
    )


# A group of pages made on demand, by the renderer that renders them (build.py).
PageGroup = Callable[[], list[Page]]


def site_page_groups(archive: Archive, urls: Urls, site: dict, prose: list[Page],
                     related: Related | None = None) -> list[PageGroup | list[Page]]:
    """Every HTML page of the site, in a stable order and in groups: each report's own pages
    as a function that makes them, called by the renderer that renders them (made beforehand,
    the whole record's 100,000 pages held 480 MB in the building process and took 38 s on one
    core), then the pages about the whole archive, made here."""
    related = related or {}
    across = across_cycles(archive)
    by_key = {(urls.review(report), rec.id): (report, rec)
              for report in archive.reports for rec in report.recommendations}
    groups: list[PageGroup | list[Page]] = [
        functools.partial(_report_pages, report, urls, related, by_key, across) for report in archive.reports]
    pages = [_home(archive, urls, site), *_reviews(archive, urls), _states(archive, urls),
             *_all_recommendations(archive, urls), _search(urls)]
    for profile in archive.profiles:
        pages.append(_state(profile, urls))
        if profile.made:
            pages += _state_recommendations(profile, urls, pages[-1].inputs)
    records = theme_records(archive)
    pages.append(_themes(records, urls))
    for record in records:
        pages.append(_theme(record, urls))
        # even when empty: a theme's addresses stay when the gate withdraws it or a report goes
        pages += _theme_recommendations(record, urls, pages[-1].inputs)
    pages += prose
    pages.append(Page(urls.not_found(), "404.html", "Page not found",
                      "There is no page at this address.", {}, inputs=(ALL_REPORTS,)))
    return [*groups, pages]


def site_pages(archive: Archive, urls: Urls, site: dict, prose: list[Page],
               related: Related | None = None) -> list[Page]:
    """Every HTML page of the site, all made now (for tests and tools that look at a few)."""
    return [page for group in site_page_groups(archive, urls, site, prose, related)
            for page in (group() if callable(group) else group)]


def _report_pages(report: Report, urls: Urls, related: Related,
                  by_key: dict[tuple[str, str], tuple[Report, Recommendation]],
                  across: dict[tuple[int, int], AcrossCycles]) -> list[Page]:
    """A report's own pages: its review (in parts when long), its table of recommendations and
    a page for each recommendation."""
    by_state = _recommendations_by_state(report)
    lead_ins = _lead_ins(report)  # once per report, not once per recommendation
    review = urls.review(report)
    return [*_review(report, urls), *_review_recommendations(report, urls),
            *(_recommendation(report, rec, i, urls, by_state, lead_ins,
                              [by_key[key] for key in related.get((review, rec.id), ())],
                              across.get((id(report), id(rec)), NOTHING))
              for i, rec in enumerate(report.recommendations))]


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

