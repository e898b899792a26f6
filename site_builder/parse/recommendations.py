"""Numbered paragraphs of the conclusions → recommendations with ids, states and positions.

A list paragraph opens with a lead-in that states the position ("The following recommendations
enjoy the support of Kazakhstan…") and numbers its items `125.1`, `125.2` … — or, in cycle 1,
`1.`, `2.` …, which become `99.1`, `99.2` … so every id is unique within the report. When the
lead-in states no position ("the following recommendations were made to Germany:"), the
paragraph after the list usually does ("The response of Germany … will be included in the
outcome report").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..errors import ReportError
from ..model import UNKNOWN, ParseWarning, Recommendation, RecommendationPart
from ..states import Registry
from .attribution import find_groups, split_parts
from .paragraphs import RawParagraph
from .positions import position_of


@dataclass(frozen=True)
class RecommendationList:
    paragraph: int
    lead_in: str  # the words that introduce the list
    items: list[tuple[str, str]]  # (id as printed, raw text)
    trailer: str  # text after the last item that belongs to the paragraph, not to the item


# Each list item has a pattern of its own (125.1, 125.2 …): more than the 512 that `re` keeps
# compiled, so without a cache of ours they were compiled anew for every report, 40 % of the
# time parsing took. 16,384 patterns hold some 8 MB.
@functools.lru_cache(maxsize=16384)
def _item_pattern(paragraph: int, item: int) -> re.Pattern[str]:
    marker = rf"{paragraph}\.{item}"
    return re.compile(rf"{marker}(?<![\d.]{marker})\b\.?(?=\s)")


@functools.lru_cache(maxsize=1024)
def _plain_item_pattern(item: int) -> re.Pattern[str]:
    return re.compile(rf"{item}(?<![\d.,/\-–]{item})\.(?=\s+[A-Z“\"‘'(])")


# How many numbers a list may skip (a misprint, a number printed twice) and still be followed.
LOOKAHEAD = 3


@functools.lru_cache(maxsize=1024)
def _any_item_pattern(paragraph: int) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.]){paragraph}\.\d+\b\.?(?=\s)")


def _follow_chain(text: str, pattern_for, any_item: re.Pattern[str] | None = None) -> list[re.Match[str]]:
    """The items 1, 2, 3 … in order. With `any_item`, a number the list skips does not end it:
    the chain goes on from one of the next numbers, and items printed in between with another
    number (125.2 twice) are kept too, so no recommendation is swallowed by the one before."""
    matches, position, item = [], 0, 1
    while True:
        found = pattern_for(item).search(text, position)
        if found is None and any_item is not None and matches:
            for skip in range(1, LOOKAHEAD + 1):
                if (found := pattern_for(item + skip).search(text, position)) is not None:
                    matches += any_item.finditer(text, position, found.start())
                    item += skip
                    break
        if found is None:
            return matches
        matches.append(found)
        position, item = found.end(), item + 1


def find_list(paragraph: RawParagraph) -> RecommendationList | None:
    text = paragraph.text
    number = paragraph.number
    markers = _follow_chain(text, lambda item: _item_pattern(number, item), _any_item_pattern(number))
    ids = [m.group(0).rstrip(".") for m in markers]
    if not markers:
        # Cycle 1: items numbered 1., 2. … after a lead-in that speaks of recommendations.
        markers = _follow_chain(text, _plain_item_pattern)
        lead_in = text[: markers[0].start()] if markers else ""
        if len(markers) < 1 or "recommendation" not in lead_in.lower():
            return None
        ids = [f"{number}.{index}" for index in range(1, len(markers) + 1)]
    items = []
    for marker, following, rec_id in zip(markers, markers[1:] + [None], ids):
        end = following.start() if following is not None else len(text)
        items.append((rec_id, text[marker.end(): end].strip()))
    trailer = ""
    last_id, last_text = items[-1]
    # The last item can run on into a closing remark of the paragraph: `… (Nigeria). With
    # respect to special procedures, Algeria will consider …`
    closing = re.search(r"\)\s*[.;]\s+(?=[A-Z])", last_text)
    if closing and not re.search(r"\(", last_text[closing.end():]):
        items[-1] = (last_id, last_text[: closing.start() + 1])
        trailer = last_text[closing.end():]
    return RecommendationList(number, text[: markers[0].start()].strip(), items, trailer)


def _numbering_warnings(paragraph: int, ids: list[str]) -> list[ParseWarning]:
    """What is odd in a list's numbering: a number missing, misprinted or out of order (a number
    printed twice is told where the second copy gets its id)."""
    warnings, expected, seen = [], 1, set()
    items = [int(rec_id.rsplit(".", 1)[1]) for rec_id in ids]
    for index, (rec_id, item) in enumerate(zip(ids, items)):
        following = items[index + 1] if index + 1 < len(items) else None
        if item == expected:
            expected += 1
        elif following == expected + 1:  # it stands where `expected` should be
            warnings.append(ParseWarning(f"recommendation {paragraph}.{expected} is printed as {rec_id}", paragraph))
            expected += 1
        elif item > expected:
            missing = f"{paragraph}.{expected}" + (f"–{paragraph}.{item - 1}" if item - 1 > expected else "")
            warnings.append(ParseWarning(f"recommendation {missing} is missing: the list goes on at {rec_id}", paragraph))
            expected = item + 1
        elif rec_id not in seen:
            warnings.append(ParseWarning(f"recommendation {rec_id} is printed out of order", paragraph))
        seen.add(rec_id)
    return warnings


def parse_recommendations(
    paragraphs: list[RawParagraph],
    registry: Registry,
    source: str,
) -> tuple[list[Recommendation], list[ParseWarning], dict[int, str]]:
    """Every recommendation of the report; also the cleaned text of the list paragraphs."""
    lists = {p.number: found for p in paragraphs if (found := find_list(p)) is not None}
    recommendations: list[Recommendation] = []
    warnings: list[ParseWarning] = []
    list_text: dict[int, str] = {}
    numbers = [p.number for p in paragraphs]
    by_number = {p.number: p for p in paragraphs}
    seen_ids: set[str] = set()

    for number, found in lists.items():
        list_text[number] = " ".join(part for part in (found.lead_in, found.trailer) if part)
        position = position_of(found.lead_in)
        if position is None:
            # Look at what follows the list, up to the next list.
            for later in numbers[numbers.index(number) + 1:]:
                if later in lists:
                    break
                position = position_of(by_number[later].text)
                if position is not None:
                    break
        if position is None:
            position = UNKNOWN
            warnings.append(ParseWarning(
                f"the wording that introduces recommendations {found.items[0][0]}–{found.items[-1][0]} "
                f"states no position we know: “{found.lead_in[:160]}”", number))

        warnings += _numbering_warnings(number, [rec_id for rec_id, _ in found.items])
        for rec_id, raw in found.items:
            if rec_id in seen_ids:
                warnings.append(ParseWarning(f"recommendation id {rec_id} appears twice; the second is kept as {rec_id}-2", number))
                rec_id += "-2"
            seen_ids.add(rec_id)
            groups = find_groups(raw, registry)
            for group in groups:
                if group.unknown:
                    raise ReportError(source, f"recommendation {rec_id} (paragraph {number}) names a state "
                                              f"the registry does not know: “{group.unknown[0]}”")
            parts, quoted = split_parts(raw, groups)
            states = tuple(dict.fromkeys(state for part in parts for state in part.states))
            if not states:
                warnings.append(ParseWarning(f"recommendation {rec_id} names no recommending state", number))
            clustered = tuple(RecommendationPart(p.text, p.states) for p in parts) if len(parts) > 1 else ()
            recommendations.append(Recommendation(rec_id, number, quoted, states, position, clustered))
    return recommendations, warnings, list_text
