"""The one table that maps a report's wording to a position: supported, noted or pending.

Each cycle words it differently: "enjoy the support of", "did not enjoy the support of … and
would thus be noted", "have been noted by", "will be examined by … no later than", "the response
of … will be included in the outcome report". The first row that matches wins, so the negative
and deferring wordings come before the bare "support".
"""

from __future__ import annotations

import re

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
