"""The data model: what a UPR Working Group report says, as plain frozen dataclasses.

No I/O and no parsing here, so a test can build a Report by hand and the parser and the
renderer can be read apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The positions a state under review can take on a recommendation.
SUPPORTED = "supported"
NOTED = "noted"
PENDING = "pending"  # the state will answer later (often in an addendum)
UNKNOWN = "unknown"  # the report's wording was not recognised; always comes with a warning
POSITIONS = (SUPPORTED, NOTED, PENDING, UNKNOWN)

# The five-level action scale of UPR research, read from a recommendation's first operative verb.
ACTION_LEVELS = {
    1: "Minimal action",  # call on, seek, share
    2: "Continuing action",  # continue, maintain, pursue
    3: "Considering action",  # consider, examine, review, study
    4: "General action",  # ensure, promote, strengthen, take measures
    5: "Specific action",  # abolish, adopt, amend, ratify, establish, investigate
}

# Working Group sessions per UPR cycle (each cycle is 4½ years of 14 sessions, bar the first).
CYCLE_BY_LAST_SESSION = ((12, 1), (26, 2), (40, 3), (54, 4))


def cycle_of_session(wg_session: int | None) -> int | None:
    """The UPR cycle a Working Group session belongs to (1–12 → 1, 13–26 → 2, …)."""
    if wg_session is None or wg_session < 1:
        return None
    for last, cycle in CYCLE_BY_LAST_SESSION:
        if wg_session <= last:
            return cycle
    return 4 + (wg_session - 55) // 14 + 1


@dataclass(frozen=True, order=True)
class State:
    """A UN member or observer state, as the registry knows it."""

    iso3: str
    name: str  # UN short name, e.g. "Iran (Islamic Republic of)"
    slug: str  # for URLs, e.g. "iran"
    group: str  # UN regional group, e.g. "Asia-Pacific"


@dataclass(frozen=True)
class Paragraph:
    number: int
    section: str  # e.g. "I. Summary of the proceedings of the review process"
    subsection: str | None  # e.g. "B. Interactive dialogue and responses by the State under review"
    text: str
    speaker: State | None = None  # the delegation speaking, in the interactive dialogue


@dataclass(frozen=True)
class RecommendationPart:
    """One state's wording inside a clustered recommendation id (cycle 3 onwards)."""

    text: str
    recommended_by: tuple[State, ...]


@dataclass(frozen=True)
class Response:
    """The state's later word on a recommendation its report left pending: from the addendum
    (A/HRC/…/Add.1) of written responses it submits before the Council adopts the outcome."""

    document: str  # the addendum's symbol, e.g. "A/HRC/43/15/Add.1" (or its file, if it lost it)
    position: str  # SUPPORTED or NOTED
    wording: str  # the addendum's own heading for it, e.g. "Accepted recommendations"
    in_part: bool = False  # the state supported part of it and noted the rest
    explanation: str | None = None  # what the state said about it, if anything
    # What the report itself said, kept when the addendum is applied so that it stays citable:
    # PENDING as a rule; SUPPORTED or NOTED when the state repeats or revises an earlier position.
    position_in_report: str = PENDING


@dataclass(frozen=True)
class Recommendation:
    id: str  # exactly as printed, e.g. "125.8"
    paragraph: int  # the paragraph whose list holds it, e.g. 125
    text: str
    recommended_by: tuple[State, ...]
    position: str  # one of POSITIONS: the final one, from the addendum when `response` is set
    parts: tuple[RecommendationPart, ...] = ()  # only for ids that cluster several wordings
    themes: tuple[str, ...] = ()  # theme slugs (classify/themes.yaml), by the rules of classify/
    action_level: int | None = None  # 1 minimal … 5 specific action, by its first operative verb
    response: Response | None = None  # set when an addendum resolved the report's `pending`

    @property
    def position_in_report(self) -> str:
        """What the report itself said, before any addendum: `position` is the final one."""
        return self.response.position_in_report if self.response else self.position


@dataclass(frozen=True)
class Document:
    symbol: str | None  # e.g. "A/HRC/28/10"; a few extracted texts lost it
    title: str
    date: str | None  # date of distribution, ISO 8601
    hrc_session: int | None  # Human Rights Council session that adopts the outcome


@dataclass(frozen=True)
class Review:
    state_under_review: State
    wg_session: int | None
    cycle: int | None
    review_date: str | None  # ISO 8601
    adoption_date: str | None
    troika: tuple[State, ...]
    head_of_delegation: str | None
    documents: tuple[str, ...]  # national report and compilations, e.g. "A/HRC/WG.6/20/KAZ/1"
    advance_questions_by: tuple[State, ...]


@dataclass(frozen=True)
class ParseWarning:
    message: str
    paragraph: int | None = None

    def __str__(self) -> str:
        where = f"paragraph {self.paragraph}: " if self.paragraph is not None else ""
        return where + self.message


@dataclass(frozen=True)
class Addendum:
    """The state's written responses (A/HRC/43/15/Add.1) to the recommendations its report
    (A/HRC/43/15) left pending. Applied to that report at build time (site_builder/addenda.py)."""

    source: str  # the file it was read from, as given
    symbol: str | None  # "A/HRC/43/15/Add.1"; None when the extracted text lost it
    report_symbol: str | None  # the report it answers: "A/HRC/43/15"
    state_under_review: State | None
    hrc_session: int | None  # the Council session that adopts the outcome, to match a report without symbol
    date: str | None  # date of distribution, ISO 8601
    responses: dict[str, Response]  # recommendation id → the state's response, in id order
    stated_counts: dict[str, int] | None = None  # the totals the text states ("124 … supported and 33 noted")
    warnings: tuple[ParseWarning, ...] = field(default=())

    @property
    def document(self) -> str:
        """How a response names where it comes from: the symbol, or the file when it was lost."""
        return self.symbol or self.source

    def counts_by_position(self) -> dict[str, int]:
        counts = {SUPPORTED: 0, NOTED: 0}
        for response in self.responses.values():
            counts[response.position] += 1
        return counts


@dataclass(frozen=True)
class Report:
    source: str  # the file it was read from, as given
    document: Document
    review: Review
    paragraphs: tuple[Paragraph, ...]
    recommendations: tuple[Recommendation, ...]
    warnings: tuple[ParseWarning, ...] = field(default=())

    @property
    def recommending_states(self) -> tuple[State, ...]:
        seen: dict[str, State] = {}
        for rec in self.recommendations:
            for state in rec.recommended_by:
                seen.setdefault(state.iso3, state)
        return tuple(seen.values())

    @property
    def speakers(self) -> tuple[State, ...]:
        seen: dict[str, State] = {}
        for para in self.paragraphs:
            if para.speaker is not None:
                seen.setdefault(para.speaker.iso3, para.speaker)
        return tuple(seen.values())

    def counts_by_position(self) -> dict[str, int]:
        counts = {position: 0 for position in POSITIONS}
        for rec in self.recommendations:
            counts[rec.position] += 1
        return counts
