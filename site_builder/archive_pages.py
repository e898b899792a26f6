"""The pages about the whole archive — home, the reviews index, states, themes, the long lists,
search, 404 — and `site_page_groups`, every page of the site."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from collections import defaultdict

from . import charts
from .across import ThemeRecord, across_cycles, theme_records
from .classify.themes import rules_by_theme
from .enrich import Archive, Made, StateProfile, held_order
from .pages import ALL_REPORTS, KnownInputs, Page, PageGroup, Related, list_pages, paged, pages_of, pagination
from .report_pages import report_inputs, report_pages
from .tallies import by_action_level, by_cycle, counts, share_specific, share_supported
from .urls import Urls

STATE_PAGE_RECOMMENDATIONS = 200
STATE_PAGE_STATEMENTS = 40
STATE_PAGE_REVIEWS = 200  # reviews listed by name on a state's page; the table has them all
THEME_PAGE_RECOMMENDATIONS = 200
STATES_PER_TASK = 25
THEMES_PER_TASK = 4


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
    source_of_review = {urls.review(report): report.source for report in archive.reports}
    groups: list[PageGroup | list[Page]] = [
        KnownInputs(functools.partial(report_pages, report, urls, related, by_key, across),
                    functools.partial(report_inputs, report, urls, related, source_of_review, across))
        for report in archive.reports]
    # the states' pages too are made by the renderers, some states to a task (5 s at 100,000
    # recommendations, on one core when made here)
    profiles = archive.profiles
    groups += [functools.partial(_states_pages, profiles[start:start + STATES_PER_TASK], urls)
               for start in range(0, len(profiles), STATES_PER_TASK)]
    # and the themes' pages (2 s at 100,000 recommendations, their charts and counts)
    records = theme_records(archive)
    groups += [functools.partial(_themes_pages, records[start:start + THEMES_PER_TASK], urls)
               for start in range(0, len(records), THEMES_PER_TASK)]
    pages = [_home(archive, urls, site), *_reviews(archive, urls), _states(archive, urls),
             *_all_recommendations(archive, urls), _search(urls), _themes(records, urls)]
    pages += prose
    pages.append(Page(urls.not_found(), "404.html", "Page not found",
                      "There is no page at this address.", {}, inputs=(ALL_REPORTS,)))
    return [*groups, pages]

def site_pages(archive: Archive, urls: Urls, site: dict, prose: list[Page],
               related: Related | None = None) -> list[Page]:
    """Every HTML page of the site, all made now (for tests and tools that look at a few)."""
    return [page for group in site_page_groups(archive, urls, site, prose, related) for page in pages_of(group)]


def _home(archive: Archive, urls: Urls, site: dict) -> Page:
    all_recs = [rec for report in archive.reports for rec in report.recommendations]
    return Page(
        urls.home(), "home.html", site["title"], site["tagline"],
        {"reviews": archive.reports, "counts": counts(all_recs), "total": len(all_recs),
         "state_count": len(archive.profiles)},
        inputs=(ALL_REPORTS,),
    )


def _states_pages(profiles: tuple[StateProfile, ...], urls: Urls) -> list[Page]:
    """Each state's page, and the pages listing the recommendations it made."""
    pages = []
    for profile in profiles:
        pages.append(_state(profile, urls))
        if profile.made:
            pages += _state_recommendations(profile, urls, pages[-1].inputs)
    return pages


def _themes_pages(records: tuple[ThemeRecord, ...], urls: Urls) -> list[Page]:
    """Each theme's page, and the pages listing its recommendations: even when empty, since a
    theme's addresses stay when the gate withdraws it or a report goes."""
    pages = []
    for record in records:
        pages.append(_theme(record, urls))
        pages += _theme_recommendations(record, urls, pages[-1].inputs)
    return pages


def _state(profile: StateProfile, urls: Urls) -> Page:
    state = profile.state
    parts = []
    if profile.reviews:
        parts.append(f"reviewed {len(profile.reviews)} time(s)")
    if profile.made:
        reviews_made_to = len({id(made.report) for made in profile.made})
        parts.append(f"made {len(profile.made)} recommendation(s) to {reviews_made_to} state(s)")
    return Page(
        urls.state(state), "state.html", state.name,
        f"{state.name} in the Universal Periodic Review: " + ", ".join(parts or ["spoke in reviews"]) + ".",
        # made when rendered: a build that reuses the page would make it for nothing (3 s at 100k)
        functools.partial(_state_context, profile),
        breadcrumbs=(("Archive", urls.home()), ("States", urls.states()), (state.name, urls.state(state))),
        inputs=tuple(sorted({r.source for r in (*profile.reviews, *profile.troika_of)}
                            | {m.report.source for m in profile.made}
                            | {s.report.source for s in profile.statements})),
    )


def _by_report(made: Iterable[Made]) -> list[dict]:
    """The recommendations grouped by the report that holds them (one report a review: the
    build refuses two), in the order met: each group's report and its rows."""
    groups: dict[int, list[Made]] = {}
    for row in made:
        groups.setdefault(id(row.report), []).append(row)
    return [{"report": rows[0].report, "made": rows} for rows in groups.values()]


def _state_context(profile: StateProfile) -> dict:
    made_groups = sorted(_by_report(profile.made), key=lambda group: (
        group["report"].review.cycle or 0, group["report"].review.state_under_review.name))
    # a state page stays short (under 200 KB) however long the record: past these, the
    # recommendations are listed on their own pages and older statements only linked
    list_texts = len(profile.made) <= STATE_PAGE_RECOMMENDATIONS
    for group in made_groups if list_texts else made_groups[:STATE_PAGE_REVIEWS]:  # the groups shown
        group["share_supported"] = share_supported(m.recommendation for m in group["made"])
    return {"profile": profile, "made_groups": made_groups, "reviews_listed": made_groups[:STATE_PAGE_REVIEWS],
            "list_texts": list_texts,
            "statements": profile.statements[:STATE_PAGE_STATEMENTS],
            "more_statements": profile.statements[STATE_PAGE_STATEMENTS:],
            "reviews": [{"report": r, "counts": counts(r.recommendations)} for r in profile.reviews],
            "made_counts": counts(m.recommendation for m in profile.made),
            "positions_chart": charts.positions_by_cycle(profile.state.name, profile.reviews) if profile.reviews else None,
            "received_by_cycle": by_cycle([Made(r, rec) for r in profile.reviews for rec in r.recommendations]),
            "made_by_cycle": by_cycle(profile.made),
            "made_levels": by_action_level(m.recommendation for m in profile.made),
            "share_specific": share_specific(m.recommendation for m in profile.made),
            "share_supported": share_supported(m.recommendation for m in profile.made)}


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
    return [Page(
        urls.reviews(number), "reviews.html",
        "Reviews" + (f", page {number} of {total_pages}" if total_pages > 1 else ""),
        f"All {len(reports)} reviews in the archive"
        + (f"; rows {first}–{first + len(chunk) - 1}." if total_pages > 1 else "."),
        {"reviews": [{"report": r, "counts": counts(r.recommendations)} for r in chunk],
         "pagination": pagination(number, total_pages, urls.reviews)},
        breadcrumbs=(("Archive", urls.home()), ("Reviews", urls.reviews()))
        + (((f"Page {number}", urls.reviews(number)),) if number > 1 else ()),
        inputs=(ALL_REPORTS,),
    ) for number, total_pages, chunk, first in paged(reports)]


def _all_recommendations(archive: Archive, urls: Urls) -> list[Page]:
    rows = [(report, rec) for report in sorted(archive.reports, key=held_order) for rec in report.recommendations]
    return list_pages(rows, urls.recommendations, "All recommendations",
                      "Every recommendation in the archive, in the order the reviews were held",
                       (("Archive", urls.home()), ("Recommendations", urls.recommendations())), (ALL_REPORTS,))


def _state_recommendations(profile: StateProfile, urls: Urls, inputs: tuple[str, ...]) -> list[Page]:
    state = profile.state
    rows = [(made.report, made.recommendation)
            for made in sorted(profile.made, key=lambda made: held_order(made.report))]  # stable: id order kept
    return list_pages(rows, lambda n: urls.state_recommendations(state, n), f"Recommendations made by {state.name}",
                       f"Every recommendation {state.name} made, in the order the reviews were held",
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
    return Page(
        urls.theme(theme), "theme.html", f"{theme.name}: UPR recommendations",
        (f"{theme.name} in the Universal Periodic Review: {len(record.made)} recommendations. {theme.description}"
         if theme.shipped else f"{theme.name}: a theme whose rules do not yet pass the archive's precision test, "
                               "so no recommendation is given it."),
        functools.partial(_theme_context, record),  # made when rendered, as a state's
        breadcrumbs=(("Archive", urls.home()), ("Themes", urls.themes()), (theme.name, urls.theme(theme))),
        inputs=tuple(sorted({m.report.source for m in record.made})),
    )


def _theme_context(record: ThemeRecord) -> dict:
    theme = record.theme
    recs = [m.recommendation for m in record.made]
    under_review: dict[str, list[Made]] = defaultdict(list)
    for made in record.made:
        under_review[made.report.review.state_under_review.name].append(made)
    return {"record": record, "theme": theme, "counts": counts(recs), "by_cycle": by_cycle(record.made, theme.slug),
            "rules": rules_by_theme()[theme.slug],
            "chart": charts.theme_by_cycle(theme, record.made),
            "by_state_under_review": [{"state": made[0].report.review.state_under_review, "total": len(made),
                                       "counts": counts(m.recommendation for m in made),
                                       "share_supported": share_supported(m.recommendation for m in made)}
                                      for _, made in sorted(under_review.items())],
            "list_texts": len(recs) <= THEME_PAGE_RECOMMENDATIONS,
            "groups": _by_report(record.made)}


def _theme_recommendations(record: ThemeRecord, urls: Urls, inputs: tuple[str, ...]) -> list[Page]:
    theme = record.theme
    return list_pages([(m.report, m.recommendation) for m in record.made],
                       lambda n: urls.theme_recommendations(theme, n), f"Recommendations on {theme.name.lower()}",
                       f"Every recommendation on {theme.name.lower()}, in the order the reviews were held",
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


