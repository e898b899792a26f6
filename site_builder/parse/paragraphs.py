"""The body of a report → its numbered paragraphs, each with its section and subsection.

Paragraph numbers run 1, 2, 3 … through the whole report, so we follow that chain rather than
trusting every `12.` we see: a number in the text only starts a paragraph when it is the next one.
Headings (`I. Summary of the proceedings…`, `B. Interactive dialogue…`) sit between paragraphs;
in collapsed text they end up glued to the end of the paragraph before, and are cut off from it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

KNOWN_HEADINGS = {
    # phrase (lower case) → is it a top-level section (True) or a subsection (False)
    "introduction": True,
    "summary of the proceedings of the review process": True,
    "conclusions and/or recommendations": True,
    "conclusions and recommendations": True,
    "presentation by the state under review": False,
    "interactive dialogue and responses by the state under review": False,
}
_KNOWN = "|".join(re.escape(phrase) for phrase in KNOWN_HEADINGS)
_HEADING_START = re.compile(
    rf"(?:(?<=\s)|^)(?:(?:[IVX]{{1,4}}|[A-H])\.\s+(?=[A-Z])|(?=(?i:{_KNOWN})\b))"
)
_MARKER = re.compile(r"([IVX]{1,4}|[A-H])\.\s+")
_TERMINATOR = tuple(".;:!?)”\"’")
_ANNEX = re.compile(r"(?:^|\s)(?:Annex(?:es)?|ANNEX(?:ES)?)\b(?:\s*\[[^\]]{0,40}\])?\s+(?=[A-Z])")


@dataclass(frozen=True)
class Heading:
    text: str  # as it should be shown, e.g. "II. Conclusions and/or recommendations"
    top_level: bool


@dataclass
class RawParagraph:
    number: int
    text: str
    headings_after: list[Heading] = field(default_factory=list)


@dataclass
class Split:
    header: str  # everything before paragraph 1: symbol, title, table of contents
    paragraphs: list[RawParagraph]
    annex: str
    warnings: list[tuple[int | None, str]]


def _normalise_heading(text: str) -> str:
    text = " ".join(text.split()).rstrip(" .*")
    match = _MARKER.match(text)
    marker, words = (match.group(0).strip() + " ", text[match.end():]) if match else ("", text)
    if words.isupper():  # 2008 reports set headings in capitals
        words = words[0] + words[1:].lower()
    return marker + words


def _as_heading(piece: str) -> Heading | None:
    piece = " ".join(piece.split())
    if not 3 <= len(piece) <= 150:
        return None
    match = _MARKER.match(piece)
    words = piece[match.end():] if match else piece
    known = next((top for phrase, top in KNOWN_HEADINGS.items()
                  if words.lower().rstrip(" .").startswith(phrase)), None)
    if match is None and known is None:
        return None
    if any(mark in words.rstrip(" .") for mark in ".;!?") and known is None:
        return None
    top_level = known if known is not None else bool(re.fullmatch(r"[IVX]{1,4}\.", match.group(1) + "."))
    return Heading(_normalise_heading(piece), top_level)


def split_trailing_headings(text: str) -> tuple[str, list[Heading]]:
    """Cut the headings off the end of a paragraph's text: `… (UPR). I. Summary … A. Presentation …`"""
    for start in _HEADING_START.finditer(text):
        before = text[: start.start()].rstrip()
        if before and not before.endswith(_TERMINATOR):
            continue
        starts = []
        for match in _HEADING_START.finditer(text, start.start()):
            # `I. Summary…` is one heading, though both `I.` and `Summary` could start one.
            if starts and _MARKER.fullmatch(text[starts[-1]: match.start()]):
                continue
            starts.append(match.start())
        pieces = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
        headings = [_as_heading(piece) for piece in pieces]
        if headings and all(headings):
            return before, headings  # type: ignore[return-value]
    return text, []


@functools.lru_cache(maxsize=4096)
def _number_pattern(number: int) -> re.Pattern[str]:
    # Letters may touch the number: collapsed text glues headings on (`recommendations124.`).
    # At a line start the dot is sometimes missing (`36 The Government…`, Canada 2009).
    # The number comes first and the look-behinds after it: a pattern that starts with a literal
    # is scanned for hundreds of times faster than one that starts with an assertion.
    return re.compile(rf"{number}(?:(?<![\d.,/\-–]{number})\.|(?<=\n{number}))(?=\s+[A-Z“\"‘'(\[])")


def _candidates(text: str, number: int, start: int, end: int | None = None) -> list[re.Match[str]]:
    return list(_number_pattern(number).finditer(text, start, len(text) if end is None else end))


def _is_strong(text: str, match: re.Match[str]) -> bool:
    """A paragraph number that stands where paragraphs start: a line start or a sentence end."""
    before = text[max(0, match.start() - 3): match.start()]
    return before.endswith("\n") or before.rstrip().endswith(_TERMINATOR) or match.start() == 0


# Paragraphs of UPR reports run to a few thousand characters; looking further for a better
# candidate only costs time (and makes a pathological input quadratic).
_LOOKAHEAD = 20_000


class _ItemList:
    """The items `1.`, `2.` … of a paragraph's own list (cycle 1 style), found as far as needed."""

    def __init__(self, text: str, start: int):
        self.text, self.ends = text, [start]

    def count_before(self, position: int) -> int:
        while self.ends[-1] < position:
            found = _number_pattern(len(self.ends)).search(self.text, self.ends[-1], position)
            if found is None:
                break
            self.ends.append(found.end())
        return sum(1 for end in self.ends[1:] if end <= position)


def _find_paragraph(text: str, number: int, start: int, end: int | None = None) -> re.Match[str] | None:
    """The place paragraph `number` starts, searching from `start` (to `end`, if given)."""
    items = _ItemList(text, start)
    weak = item = None
    for match in _number_pattern(number).finditer(text, start, len(text) if end is None else end):
        if weak is not None and match.start() > weak.start() + _LOOKAHEAD:
            break  # a strong candidate this far past a weak one is not this paragraph either
        # Early reports number the recommendations 1., 2. … inside one paragraph; a number that
        # continues that list is an item, not the next paragraph (Egypt 2010: items run to 119).
        if number > 1 and items.count_before(match.start()) == number - 1:
            item = item or match
        elif _is_strong(text, match):
            return match
        else:
            weak = weak or match
    return weak or item


def split_paragraphs(body: str) -> Split:
    warnings: list[tuple[int | None, str]] = []
    first = _find_paragraph(body, 1, 0)
    if first is None:
        return Split(body, [], "", [(None, "no numbered paragraphs found")])
    starts: list[tuple[int, re.Match[str]]] = [(1, first)]
    number = 1
    while True:
        position = starts[-1][1].end()
        # Take the next number; a misprinted or missing one is passed over when a later number
        # appears first (as a strong candidate) — better a warning than the rest of the report lost.
        options = []
        for skip in range(1, 4):
            # Search near first: scanning the whole rest of the text for every paragraph is
            # quadratic. A passed-over number must be followed closely by the next one.
            match = _find_paragraph(body, number + skip, position, position + _LOOKAHEAD * 3)
            if match is None and skip == 1:
                match = _find_paragraph(body, number + skip, position)
            if match is not None and (skip == 1 or _is_strong(body, match)):
                options.append((match.start(), skip, match))
        if not options:
            break
        _, skip, found = min(options, key=lambda option: option[:2])
        if skip > 1:
            missing = ", ".join(str(n) for n in range(number + 1, number + skip))
            warnings.append((number + skip, f"paragraph number(s) {missing} not found"))
        number += skip
        starts.append((number, found))

    paragraphs = []
    for (num, match), following in zip(starts, starts[1:] + [(None, None)]):
        end = following[1].start() if following[1] is not None else len(body)
        paragraphs.append(RawParagraph(num, body[match.end(): end]))

    annex = ""
    last = paragraphs[-1]
    annex_match = _ANNEX.search(last.text)
    if annex_match:
        last.text, annex = last.text[: annex_match.start()], last.text[annex_match.start():]

    for para in paragraphs:
        para.text, para.headings_after = split_trailing_headings(" ".join(para.text.split()))

    return Split(body[: first.start()], paragraphs, annex.strip(), warnings)
