"""The one table that maps a report's wording to a position: supported, noted or pending; and
its twin for the addendum in which the state later answers what the report left pending.

Each cycle words it differently: "enjoy the support of", "did not enjoy the support of … and
would thus be noted", "have been noted by", "will be examined by … no later than", "the response
of … will be included in the outcome report". The first row that matches wins, so the negative
and deferring wordings come before the bare "support".
"""

from __future__ import annotations

import re

from dataclasses import dataclass

from ..model import NOTED, PENDING, SUPPORTED

POSITION_WORDING: tuple[tuple[str, str], ...] = (
    (r"\bd(?:id|o|oes) not (?:enjoy|have|receive) (?:the |its )?support", NOTED),
    (r"\bnot (?:been )?(?:accepted|supported)\b|\b(?:is|are|were|was) rejected\b", NOTED),
    (r"\b(?:does|do|did|could|can) not (?:accept|support)\b|\brejects?\b", NOTED),
    (r"\bwill be examined\b|\bwill examine\b|\bwill (?:provide|give) (?:its |their )?responses?\b", PENDING),
    (r"\bresponses? (?:of|from) .{1,120}? will be (?:included|provided|given)\b", PENDING),
    (r"\bwill be considered\b|\bwill respond\b|\bno later than\b", PENDING),
    (r"\b(?:has|have) been noted\b|\b(?:is|are|were) noted\b|\b(?:would|will|shall) (?:thus )?be noted\b", NOTED),
    (r"\btakes? note of\b|\bnoted by\b", NOTED),
    (r"\benjoys? (?:the |its )?support\b|\bare supported\b|\bis supported\b|\baccept(?:s|ed)\b", SUPPORTED),
    (r"\balready (?:been )?implemented\b|\bin the process of (?:being )?implement", SUPPORTED),
)
_COMPILED = tuple((re.compile(pattern, re.IGNORECASE), position) for pattern, position in POSITION_WORDING)


def position_of(wording: str) -> str | None:
    """The position a lead-in or follow-up paragraph states, or None when it states none."""
    for pattern, position in _COMPILED:
        if pattern.search(wording):
            return position
    return None


# An addendum's wording, in a sentence ("The Government accepts the following recommendations",
# "Slovenia notes …", "Recommendations 122.1–4 are not supported") or a table cell ("Supported",
# "Partially supported"). Rows: (pattern, position, in part). Earlier rows win where two
# match the same words, so "in part" and the negations come before the bare verbs.
RESPONSE_WORDING: tuple[tuple[str, str, bool], ...] = (
    (r"\b(?:partially|partly)\s+(?:support|accept)(?:s|ed)?\b", SUPPORTED, True),
    (r"\b(?:support|accept)(?:s|ed)?\s+(?:in\s+part|partially|partly)\b", SUPPORTED, True),
    (r"\b(?:support|accept)s?\s+(?:the\s+)?(?:first|second|third|last|latter|former|main|other)\s+"
     r"(?:part|portion|element|half)s?\b", SUPPORTED, True),
    (r"\bd(?:id|o|oes)\s+not\s+(?:enjoy\s+(?:the\s+|its\s+)?support|support|accept)\b"
     r"|\b(?:can|could)\s*not\s+(?:support|accept)\b|\bnot\s+(?:be\s+)?(?:accepted|supported)\b"
     r"|\breject(?:s|ed)?\b", NOTED, False),
    (r"\bt(?:akes?|aken|aking|ook)\s+note\s+of\b|\bnot(?:es?|ed)\b(?!\s+that\b)", NOTED, False),
    (r"\benjoys?\s+(?:the\s+|its\s+)?support\b|\b(?:support|accept)(?:s|ed)?\b", SUPPORTED, False),
)
_RESPONSE_COMPILED = tuple((re.compile(p, re.IGNORECASE), position, in_part)
                           for p, position, in_part in RESPONSE_WORDING)
# Words that make a sentence's "supports" partial: "supports the recommendation in part",
# "supports the part of 122.5 on …", "partially".
IN_PART = re.compile(r"\bin\s+part\b|\bpartially\b|\bpartly\b|\bpart\s+of\b|\bportion\b", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    """Where a sentence of an addendum states a position, and which."""

    start: int
    end: int
    position: str  # SUPPORTED or NOTED
    in_part: bool


def responses_said(text: str) -> list[Said]:
    """Every position the text states, in reading order; where two rows match the same words,
    the earlier row's reading stands."""
    found: list[Said] = []
    for pattern, position, in_part in _RESPONSE_COMPILED:
        for match in pattern.finditer(text):
            if not any(match.start() < said.end and said.start < match.end() for said in found):
                found.append(Said(match.start(), match.end(), position, in_part))
    return sorted(found, key=lambda said: said.start)
