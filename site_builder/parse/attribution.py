"""Who made a recommendation: the states named in parentheses, `(Hungary, Spain)`.

A parenthesis is an attribution only when the registry knows every name in it; `(CEDAW)`,
`(No. 169)` or `(1) (g)` name no state and stay part of the recommendation's text. Cycle 3
reports merge identical recommendations (`… (Algeria) (Cabo Verde);`) and cluster near-identical
ones under one id, each part ending in its own states and separated by `;`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import State
from ..states import Registry

_SEPARATOR = re.compile(r"\s*(?:,|;|/|\band\b|&)\s*")


@dataclass(frozen=True)
class Group:
    start: int
    end: int
    states: tuple[State, ...]
    unknown: tuple[str, ...]  # names in an attribution that the registry could not resolve


def _top_level_groups(text: str) -> list[tuple[int, int]]:
    """Spans of the outermost balanced parentheses, `(Iran (Islamic Republic of))` as one."""
    spans, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = index
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    return spans


def _segment(content: str, registry: Registry) -> tuple[list[State], list[str]] | None:
    """Split `Venezuela, Bolivarian Republic of, Trinidad and Tobago and Chile` into states.

    Separators (`,` `;` `and` `/`) may also occur inside a name, so try every way of joining
    neighbouring pieces and keep the one with the fewest names; pieces that no joining resolves
    are returned as unknown. None when nothing in the parenthesis is a state.
    """
    # `(Portugal, on behalf of the Group of Friends …)`: the state speaks; the group is not one.
    content = re.sub(r"[,;]?\s*\bon behalf of\b.*$", "", content, flags=re.DOTALL | re.IGNORECASE)
    whole = registry.resolve(content)
    if whole is not None:
        return [whole], []
    pieces, separators, position = [], [], 0
    for match in _SEPARATOR.finditer(content):
        pieces.append(content[position: match.start()])
        separators.append(match.group(0))
        position = match.end()
    pieces.append(content[position:])
    if len(pieces) > 60:  # not a list of states; don't try every joining of a long sentence
        return None

    # best[i]: (unknown pieces, names, result) for pieces[:i]
    best: list[tuple[int, int, list[State | str]] | None] = [None] * (len(pieces) + 1)
    best[0] = (0, 0, [])
    for end in range(1, len(pieces) + 1):
        for begin in range(max(0, end - 8), end):
            if best[begin] is None:
                continue
            text = "".join(p + s for p, s in zip(pieces[begin:end], separators[begin: end - 1] + [""]))
            state = registry.resolve(text)
            unknown, names, result = best[begin]
            if state is not None:
                option = (unknown, names + 1, result + [state])
            elif end - begin == 1:
                option = (unknown + (1 if text.strip() else 0), names, result + [text.strip()])
            else:
                continue
            if best[end] is None or option[:2] < best[end][:2]:
                best[end] = option
    _, _, result = best[-1]
    states = [item for item in result if isinstance(item, State)]
    unknown = [item for item in result if isinstance(item, str) and item]
    # A parenthetical remark that mentions a state (`in response to questions from Ghana and
    # Peru about …`) is not an attribution: unknown pieces there are words, not names.
    if not states or any(not _looks_like_a_name(piece) for piece in unknown):
        return None
    return states, unknown


def _looks_like_a_name(piece: str) -> bool:
    words = piece.split()
    return 0 < len(words) <= 6 and piece[0].isupper()


def find_groups(text: str, registry: Registry) -> list[Group]:
    groups = []
    for start, end in _top_level_groups(text):
        found = _segment(text[start + 1: end - 1].strip(), registry)
        if found is not None:
            states, unknown = found
            groups.append(Group(start, end, tuple(states), tuple(unknown)))
    return groups


@dataclass(frozen=True)
class Part:
    text: str  # without its own trailing attribution
    states: tuple[State, ...]


_BETWEEN_GROUPS = re.compile(r"[\s,;]*(?:and\s+)?")
_TRAILING_PUNCTUATION = " \t\n;,.:"


def split_parts(text: str, groups: list[Group]) -> tuple[list[Part], str]:
    """Cut a recommendation into parts, each ending with a run of attribution groups followed
    by `;` or the end of the text; most recommendations are a single part. Also returns the
    text without its final attribution, as a reader would quote it.

    A run in the middle of a part (`ratify CAT (Iraq), OP-CAT (Argentina) and CRPD (Spain)`)
    stays in the text, and its states count for the part."""
    parts: list[Part] = []
    begin, index, states = 0, 0, []
    quoted = text
    while index < len(groups):
        run = [groups[index]]
        while index + 1 < len(groups) and _BETWEEN_GROUPS.fullmatch(text[run[-1].end: groups[index + 1].start]):
            index += 1
            run.append(groups[index])
        index += 1
        states += [state for group in run for state in group.states]
        after = text[run[-1].end:].lstrip()
        if not after.strip(_TRAILING_PUNCTUATION) or after.startswith(";"):
            parts.append(Part(text[begin: run[0].start].strip(_TRAILING_PUNCTUATION), tuple(states)))
            begin, states = run[-1].end, []
            quoted = text[: run[0].start]
    tail = text[begin:].strip(_TRAILING_PUNCTUATION)
    if tail or not parts:
        parts.append(Part(tail, tuple(states)))
        quoted = text
    return parts, quoted.strip(_TRAILING_PUNCTUATION)
