"""Recommendation ids and ranges as an addendum writes them: `122.17`, `122.17-18`,
`122.62-⏎66` (broken across a line), `122.34- 35`, `122.5–122.9`, `122.5 to 122.9`."""

from __future__ import annotations

import re
from dataclasses import dataclass

# `122.17`: the paragraph of the report's list, then the item. A paragraph number has two or three
# digits (lists sit at paragraph 90 or later), which keeps `2.5 per cent` and dates out.
_ID = r"(?<![\d.])(\d{2,3})\.(\d{1,3})(?!\d|\.\d|\s*(?:%|per\s*cent))"
# A range: `122.17-18`, `122.34- 35`, `122.62-⏎66` (broken across a line), `122.14–15`,
# `122.5–122.9`, `122.5 to 122.9`.
_MENTION = re.compile(_ID + r"(?:\s*[-–—]\s*(?:(\d{2,3})\.)?(\d{1,3})(?![\d.]\d)"
                            r"|\s+to\s+(\d{2,3})\.(\d{1,3})(?![\d.]\d))?")
_LONGEST_RANGE = 400


def _ids_of(match: re.Match[str]) -> list[str]:
    paragraph, first = match.group(1), int(match.group(2))
    end_paragraph = match.group(3) or match.group(5)
    end = match.group(4) or match.group(6)
    if end is None:
        return [f"{paragraph}.{first}"]
    last = int(end)
    if (end_paragraph or paragraph) != paragraph or not first < last <= first + _LONGEST_RANGE:
        # Not a range after all (`122.9-3`): keep what names an id for certain.
        return [f"{paragraph}.{first}"] + ([f"{end_paragraph}.{last}"] if end_paragraph else [])
    return [f"{paragraph}.{item}" for item in range(first, last + 1)]


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    ids: tuple[str, ...]


def find_mentions(text: str) -> list[Mention]:
    return [Mention(m.start(), m.end(), tuple(_ids_of(m))) for m in _MENTION.finditer(text)]


def mention_at(text: str, position: int) -> Mention | None:
    """The id or range that starts exactly at `position`, if one does."""
    match = _MENTION.match(text, position)
    return Mention(match.start(), match.end(), tuple(_ids_of(match))) if match else None


def id_sort_key(rec_id: str) -> tuple[int, int]:
    paragraph, _, item = rec_id.partition(".")
    return int(paragraph), int(item)
