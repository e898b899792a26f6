"""Clean text → the body of the report as one stream, without page furniture or footnotes.

Reports arrive collapsed onto one line, hard-wrapped with page headers (`A/HRC/8/29 Page 3`),
or as `pdftotext -layout` output with form feeds, running headers on alternating sides and
footers (`10 GE.23-03422`). Whatever the shape, the parser downstream wants one stream of words
in reading order; footnote bodies are set aside (they hold the national report's symbol in
recent reports) and footnote markers glued to words (`employment1`, `(Egypt)15.`) removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lines that belong to the page, not to the report. Each is checked against a whole line.
_FURNITURE = [
    re.compile(r"A/HRC/\s?[\w.]+(?:/[\w.]+)*\s*(?:Page\s+\d+)?"),  # running header, `A/HRC/8/29 Page 3`
    re.compile(r"Page\s+\d+"),
    re.compile(r"(?:\d{1,3}\s+)?GE\.\d{2}-\d{4,6}(?:\s*\([EFS]\))?(?:\s+[\d\s]+)?(?:\s+\d{1,3})?"),  # job-number footer
    re.compile(r"\*\d{6,}\*"),  # barcode text
    re.compile(r"Please recycle.*"),
    # Asterisk footnotes to the title or a heading: `** The conclusions … have not been edited.`
    re.compile(r"\*{1,4}\s*[A-Z].{0,110}"),
]
_PAGE_NUMBER = re.compile(r"\d{1,3}")
_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")  # barcode font glyphs in UN PDFs


@dataclass(frozen=True)
class Body:
    text: str  # the report in reading order; lines kept as `\n` where the source had them
    footnotes: dict[int, str]


def _is_furniture(line: str) -> bool:
    stripped = " ".join(line.split())
    if not stripped or len(stripped) > 120:
        return False
    return any(pattern.fullmatch(stripped) for pattern in _FURNITURE)


def _drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    cleaned = []
    for lines in pages:
        kept = [line for line in lines if not _is_furniture(line)]
        # A lone number at the very top or bottom of a page is its page number.
        content = [i for i, line in enumerate(kept) if line.strip()]
        for i in (content[:1] + content[-1:]) if len(pages) > 1 else []:
            if _PAGE_NUMBER.fullmatch(kept[i].strip()):
                kept[i] = ""
        cleaned.append(kept)
    return cleaned


_FOOTNOTE_START = re.compile(r"\s*(\d{1,3})\s+(\S.*)")
_PARAGRAPH_START = re.compile(r"\s*(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-H]\.)\s")


def _marker_pattern(number: int) -> re.Pattern[str]:
    # A footnote marker is glued to the word or punctuation before it: `employment1`, `(a);1`.
    return re.compile(rf"(?<=[A-Za-z)\]”’\".,;:]){number}(?!\d)")


def _take_footnotes(lines: list[str]) -> tuple[list[str], dict[int, str]]:
    """Set footnote bodies aside. A footnote body is a line that starts with the next footnote
    number, once its marker has appeared in the text (or right after the previous footnote)."""
    body: list[str] = []
    footnotes: dict[int, str] = {}
    expected = 1
    current: int | None = None
    seen_text = ""
    for line in lines:
        match = _FOOTNOTE_START.fullmatch(line)
        if (
            match
            and int(match.group(1)) == expected
            and (
                current is not None  # footnotes follow one another at the foot of a page
                or _marker_pattern(expected).search(seen_text[-30000:])
            )
        ):
            current = expected
            footnotes[current] = match.group(2).strip()
            expected += 1
            continue
        if current is not None:
            if line.strip() and not _PARAGRAPH_START.match(line):
                footnotes[current] += " " + line.strip()
                continue
            if line.strip():
                current = None  # a paragraph starts: the footnote is over
        body.append(line)
        seen_text += line + "\n"
        if len(seen_text) > 60000:
            seen_text = seen_text[-30000:]
    return body, footnotes


# A footnote marker glued after a word or after closing punctuation. Two digits at most, and not
# after capitals, so `G20`, `H1N1`, `CO2` and document symbols are left alone.
_GLUED_MARKER = re.compile(
    r"(?<=[a-z]{3})\d{1,2}(?=[\s,.;:)]|$)"
    r"|(?<=[)\]”’\"])\d{1,2}(?=[\s,.;:]|$)"
    r"|(?<=[a-z)][.,;:])\d{1,2}(?=\s|$)",
    re.MULTILINE,
)


def remove_footnote_markers(text: str, numbers: list[int]) -> str:
    text = _GLUED_MARKER.sub("", text)
    # Layout extraction sometimes sets a marker apart at the end of a line: `15 (b); 2`.
    for number in numbers:
        text = re.sub(rf"(?<=[.,;:)”’]) {number}$", "", text, count=1, flags=re.MULTILINE)
    return text


def _join_lines(lines: list[str]) -> str:
    """One line per source line, spaces collapsed; a line ending in a hyphen joins the next."""
    out: list[str] = []
    for line in lines:
        line = " ".join(line.split())
        if not line:
            continue
        if out and out[-1].endswith("-") and len(out[-1]) > 1 and out[-1][-2] != " ":
            out[-1] += line  # `non-` + `governmental`, `122.62-` + `66`
        else:
            out.append(line)
    return "\n".join(out)


_RUNNING_SYMBOL = re.compile(r"A/HRC/\d{1,2}/\d{1,3}(?![\d/])")


def _drop_inline_furniture(text: str) -> str:
    """Running headers and footers that collapsed text carries inline: `… signed. 2 GE.23-03422
    A/HRC/53/11 8. The …`. They are recognised by the report's own symbol, repeated page after
    page; the first occurrence is the cover page's and stays."""
    symbols = _RUNNING_SYMBOL.findall(text)
    if not symbols:
        return text
    symbol = max(set(symbols), key=symbols.count)
    if symbols.count(symbol) < 3:
        return text
    furniture = re.compile(
        r"(?:\b\d{1,3}\s+)?(?:GE\.\d{2}-\d{4,6}\s*(?:\([EFS]\))?\s+(?:\d{1,3}\s+)?)?"
        + re.escape(symbol) + r"(?![\d/])\s*"
    )
    first = text.find(symbol)
    return text[: first + len(symbol)] + furniture.sub(" ", text[first + len(symbol):])


def extract_body(text: str) -> Body:
    text = _PRIVATE_USE.sub("", text)
    pages = [page.split("\n") for page in text.split("\f")]
    pages = _drop_furniture(pages)
    lines = [line for page in pages for line in page + [""]]
    lines, footnotes = _take_footnotes(lines)
    text = _drop_inline_furniture(remove_footnote_markers(_join_lines(lines), sorted(footnotes)))
    return Body(text=text, footnotes=footnotes)


def lines_without_furniture(text: str) -> list[str]:
    """The text's lines as laid out (indentation and column gaps kept, which tables and headings
    need), without page furniture; each page ends with an empty line."""
    text = _PRIVATE_USE.sub("", text)
    pages = _drop_furniture([page.split("\n") for page in text.split("\f")])
    return [line.rstrip() for page in pages for line in page + [""]]
