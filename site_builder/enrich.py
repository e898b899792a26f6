"""Reports → the archive: what every page needs to know across reports.

A state's page lists the reviews it underwent, the recommendations it made to others and what it
said in their dialogues; that knowledge spans reports, so it is gathered here once, in plain
data, before anything is rendered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .errors import BuildError
from .model import Paragraph, Recommendation, Report, State
from .urls import review_key


@dataclass(frozen=True)
class Made:
    """A recommendation as seen from the state that made it."""

    report: Report
    recommendation: Recommendation


@dataclass(frozen=True)
class Statement:
    report: Report
    paragraph: Paragraph


@dataclass(frozen=True)
class StateProfile:
    state: State
    reviews: tuple[Report, ...]  # as the state under review, by cycle
    made: tuple[Made, ...]  # recommendations it made, by review then id order
    statements: tuple[Statement, ...]  # what it said in others' dialogues
    troika_of: tuple[Report, ...]


@dataclass(frozen=True)
class Archive:
    reports: tuple[Report, ...]  # by state under review, then cycle
    profiles: tuple[StateProfile, ...]  # every state in any role, by name

    def profile(self, state: State) -> StateProfile:
        return self._by_iso3()[state.iso3]

    def _by_iso3(self) -> dict[str, StateProfile]:
        cache = self.__dict__.get("_index")
        if cache is None:
            cache = {p.state.iso3: p for p in self.profiles}
            object.__setattr__(self, "_index", cache)
        return cache


def _sort_key_of_report(report: Report) -> tuple:
    return (report.review.state_under_review.name, report.review.cycle or 0, report.document.symbol or "")


def held_order(report: Report) -> tuple:
    """When the review was held: by cycle, Working Group session and date, then state under
    review. The lists that run across reviews are in this order, so that a new review, the
    latest held, joins them at their end and their earlier pages stay as they were."""
    review = report.review
    return (review.cycle or 0, review.wg_session or 0, review.review_date or "",
            review.state_under_review.name, report.document.symbol or "")


def build_archive(reports: list[Report]) -> Archive:
    reports = sorted(reports, key=_sort_key_of_report)
    seen: dict[str, Report] = {}
    for report in reports:
        key = review_key(report)
        if key in seen:
            raise BuildError(f"{seen[key].source} and {report.source} are both the review of "
                             f"{report.review.state_under_review.name} in {key.split('/')[1]}; "
                             "keep one of them in content/")
        seen[key] = report

    states: dict[str, State] = {}
    reviews: dict[str, list[Report]] = defaultdict(list)
    made: dict[str, list[Made]] = defaultdict(list)
    statements: dict[str, list[Statement]] = defaultdict(list)
    troika_of: dict[str, list[Report]] = defaultdict(list)

    for report in reports:
        under_review = report.review.state_under_review
        states[under_review.iso3] = under_review
        reviews[under_review.iso3].append(report)
        for rec in report.recommendations:
            for state in rec.recommended_by:
                states[state.iso3] = state
                made[state.iso3].append(Made(report, rec))
        for para in report.paragraphs:
            if para.speaker is not None and para.speaker != under_review:
                states[para.speaker.iso3] = para.speaker
                statements[para.speaker.iso3].append(Statement(report, para))
        for state in report.review.troika:
            states[state.iso3] = state
            troika_of[state.iso3].append(report)
        for state in report.review.advance_questions_by:
            states[state.iso3] = state

    profiles = tuple(
        StateProfile(
            state=state,
            reviews=tuple(reviews[iso3]),
            made=tuple(made[iso3]),
            statements=tuple(statements[iso3]),
            troika_of=tuple(troika_of[iso3]),
        )
        for iso3, state in sorted(states.items(), key=lambda item: (item[1].name, item[0]))
    )
    return Archive(tuple(reports), profiles)

