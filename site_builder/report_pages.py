"""A report's own pages: its review (the whole report, in parts when long), its table of
recommendations and a page for each recommendation. The build makes them report by report, in
the renderer that renders them (`report_pages`)."""

from __future__ import annotations

import functools
from itertools import chain
from operator import itemgetter
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

from . import charts
from .across import NOTHING, AcrossCycles
from .classify.taxonomy import themes_by_slug
from .model import Recommendation, Report, State
from .pages import POSITION_LABELS, VALUE, Page, Related, citation, list_pages, review_title
from .states import load_registry
from .tallies import counts
from .urls import Urls

# A review's table stays whole up to here (the longest real review, Iran 2014, has 291): past it,
# 388 rows came to 199 KB.
REVIEW_TABLE_PAGE_SIZE = 300
ACROSS_CYCLES_SHOWN = 20  # on each side: the nearest cycles first


def report_pages(report: Report, urls: Urls, related: Related,
                 by_key: dict[tuple[str, str], tuple[Report, Recommendation]],
                 across: dict[tuple[int, int], AcrossCycles]) -> list[Page]:
    """The report's pages. `related` and `across` are the whole archive's (`by_key` finds a
    related recommendation by its key)."""
    by_state = _recommendations_by_state(report)
    lead_ins = _lead_ins(report)  # once per report, not once per recommendation
    return [*_review(report, urls), *_review_recommendations(report, urls),
            *(_recommendation(report, rec, i, urls, by_state, lead_ins, others, asks)
              for i, (rec, others, asks) in enumerate(_in_other_reviews(report, urls, related, by_key, across)))]


def report_inputs(report: Report, urls: Urls, related: Related, source_of_review: dict[str, str],
                  across: dict[tuple[int, int], AcrossCycles]) -> tuple[str, ...]:
    """What `report_pages` makes the report's pages from, found without making the pages: a
    build that finds the same skips making them (build.render_site). It is their inputs folded:
    every report the pages show, once, and one value saying which recommendations each page
    shows as related and as asked in other cycles (two recommendations trading related lists
    change it). Page by page, it was 865,000 strings at 100,000 recommendations, made and
    hashed in every build: 1.5 s of one core."""
    review = urls.review(report)
    sources = {report.source}
    shown = []
    related_keys = []  # each recommendation's related list: (review, id) pairs
    for rec in report.recommendations:
        keys = related.get((review, rec.id), ())
        related_keys.append(keys)
        asks = across.get((id(report), id(rec)), NOTHING)
        if asks is NOTHING:
            shown.append((rec.id, keys))
        else:
            sources.update(asks.sources)
            shown.append((rec.id, keys, [(m.report.source, m.recommendation.id) for m in asks.earlier],
                          [(m.report.source, m.recommendation.id) for m in asks.later]))
    # the reviews the related lists show, without a Python loop over their 600,000 pairs at 100k
    reviews = set(map(itemgetter(0), chain.from_iterable(related_keys)))
    sources.update(map(source_of_review.__getitem__, reviews))
    return (*sorted(sources), VALUE + repr(shown))


def _in_other_reviews(report: Report, urls: Urls, related: Related,
                      by_key: dict[tuple[str, str], tuple[Report, Recommendation]],
                      across: dict[tuple[int, int], AcrossCycles]
                      ) -> Iterator[tuple[Recommendation, list[tuple[Report, Recommendation]], AcrossCycles]]:
    """Each recommendation of the report, with its related ones and its asks in other cycles."""
    review = urls.review(report)
    for rec in report.recommendations:
        yield rec, [by_key[key] for key in related.get((review, rec.id), ())], across.get((id(report), id(rec)), NOTHING)


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


def _review(report: Report, urls: Urls) -> list[Page]:
    """The review's page: the whole report, in one page or, when too long, in parts (urls.py
    says where each paragraph goes); the facts, counts and charts lead the first part. What the
    parts show is made when the first of them is rendered: a build that reuses them (every
    unchanged report, in an incremental build) never makes it."""
    title = review_title(report)
    parts = [{"number": number, "url": urls.review_part(report, number),
              "first": paragraphs[0], "last": paragraphs[-1]}
             for number, paragraphs in sorted(_paragraph_numbers_by_part(report, urls).items())]
    description = (f"{report.document.title}: {report.review.state_under_review.name} "
                   f"({report.document.symbol or 'cycle ' + str(report.review.cycle)}) — "
                   f"{len(report.recommendations)} recommendations, "
                   + ", ".join(f"{n} {p}" for p, n in counts(report.recommendations).items()))
    shown = functools.cache(lambda: _review_sections(report, urls))

    def context(part: int) -> dict[str, Any]:
        sections, by_part = shown()
        made = {"report": report, "contents": sections, "parts": parts, "part": part, "sections": by_part[part]}
        if part == 1:
            made.update(
                {"counts": counts(report.recommendations),
                 "recommending_states": sorted(report.recommending_states, key=lambda s: s.name),
                 "charts": [charts.recommendations_by_group(report), charts.recommendations_by_action_level(report)],
                 "responses": dict(sorted(Counter(rec.response.document for rec in report.recommendations
                                                  if rec.response).items()))})
        return made

    pages = [Page(
        urls.review(report), "review.html", f"Universal Periodic Review of {title}", description,
        functools.partial(context, 1),
        breadcrumbs=(("Archive", urls.home()), ("Reviews", urls.reviews()), (title, urls.review(report))),
        kind="article",
        inputs=(report.source,),
    )]
    for part in parts[1:]:
        label = f"part {part['number']} of {len(parts)}"
        pages.append(Page(
            part["url"], "review.html", f"Universal Periodic Review of {title}, {label}",
            f"{description}. This page: paragraphs {part['first']}–{part['last']} ({label}).",
            functools.partial(context, part["number"]),
            breadcrumbs=(("Archive", urls.home()), ("Reviews", urls.reviews()), (title, urls.review(report)),
                         (label.capitalize(), part["url"])),
            kind="article",
            inputs=(report.source,),
        ))
    return pages


def _review_sections(report: Report, urls: Urls) -> tuple[list[dict], dict[int, list[dict]]]:
    """Every heading of the report, numbered once for the whole report, with the part it starts
    on; and what each part shows: its headings, paragraphs and the recommendations listed."""
    lists = defaultdict(list)
    for rec in report.recommendations:
        lists[rec.paragraph].append(rec)
    sections: list[dict] = []
    by_part: dict[int, list[dict]] = defaultdict(list)
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
    return sections, by_part


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
    return list_pages(
        [(report, rec) for rec in report.recommendations], lambda n: urls.review_recommendations(report, n),
        f"Recommendations to {title}",
        f"Every recommendation made to {report.review.state_under_review.name} in its review",
        (("Archive", urls.home()), ("Reviews", urls.reviews()), (title, urls.review(report)),
         ("Recommendations", urls.review_recommendations(report))),
        (report.source,), report=report, page_size=REVIEW_TABLE_PAGE_SIZE)



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
        inputs=_recommendation_inputs(report, related, across),
    )


def _recommendation_inputs(report: Report, related: list[tuple[Report, Recommendation]],
                           across: AcrossCycles) -> tuple[str, ...]:
    # the related list comes from the whole archive: the page changes when the list does, or
    # when a report it shows changes — not whenever any report is added (each one shown is
    # named by its report and id, which its URL is made from)
    return (report.source,
            *sorted(({other.source for other, _ in related} | across.sources) - {report.source}),
            VALUE + "|".join(f"{other.source}#{other_rec.id}" for other, other_rec in related),
            VALUE + "|".join(f"{m.report.source}#{m.recommendation.id}" for m in (*across.earlier, *across.later)))


def _recommendations_by_state(report: Report) -> dict[State, list[Recommendation]]:
    found: dict[State, list[Recommendation]] = defaultdict(list)
    for rec in report.recommendations:
        for state in rec.recommended_by:
            found[state].append(rec)
    return found


