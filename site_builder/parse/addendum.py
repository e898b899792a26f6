"""An addendum's text → Addendum: the state's written responses to its pending recommendations.

A review's report leaves some recommendations pending ("will be examined by Slovenia, which will
provide responses in due time"); the state answers in an addendum, A/HRC/43/15/Add.1, "Views on
conclusions and/or recommendations, voluntary commitments and replies presented by the State
under review". States write it in their own way; the common forms, all read here:

- lists under a heading or in a sentence: "Accepted recommendations" / "3. The Government
  accepts the following recommendations 122.1, 122.17-18, 122.62-⏎66, …" / "Slovenia notes …";
- explanation blocks: a line naming ids (`122.14– 15`) and the state's text under it, which
  repeats ids already listed (they are not counted twice: a response is kept by id);
- tables: `122.1   Supported   Slovenia has …` (Recommendation | Position | Comment);
- responses by theme, each block headed by its ids and a position ("Recommendation 122.5:
  Noted. …") or a sentence ("Slovenia supports this recommendation in part");
- partial support: "Partially supported", "accepts in part", "supports the first part of
  122.5 and notes the second" → supported, `in_part`, with the state's words kept.

Where the text states its totals ("of which 124 are now supported and 33 noted"), the parse is
checked against them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ReportError
from ..model import NOTED, SUPPORTED, Addendum, ParseWarning, Response
from ..states import Registry, load_registry
from . import metadata
from .layout import lines_without_furniture
from .ids import find_mentions, id_sort_key, mention_at
from .positions import IN_PART, responses_said

# --- Is it an addendum? --------------------------------------------------------------------------

_ADDENDUM_MARKS = re.compile(r"^\s*Addendum\s*$|Views\s+on\s+conclusions\s+and/?\s*or\s+recommendations",
                             re.IGNORECASE | re.MULTILINE)


def is_addendum(text: str) -> bool:
    """An addendum says so on its cover: its symbol ends in /Add.N, it is headed "Addendum", or
    its title is "Views on conclusions and/or recommendations …"."""
    head = text[:4000]
    symbol = metadata.find_symbol(head, "")
    return bool((symbol and "/Add." in symbol) or _ADDENDUM_MARKS.search(head))


# --- Lines → blocks ------------------------------------------------------------------------------

_PARAGRAPH_NUMBER = re.compile(r"^\s*(\d{1,3})\.\s")

@dataclass
class Block:
    lines: list[str]  # an empty line inside marks a page break

    @property
    def text(self) -> str:
        return " ".join(" ".join(line.split()) for line in self.lines if line.strip())


def _blocks(lines: list[str]) -> list[Block]:
    """Runs of non-blank lines. A run continues across a page break (or a blank line) when the
    next one starts in lower case, or with an id after a line that ends mid-list (`122.62-`)."""
    blocks: list[Block] = []
    current: list[str] = []
    for line in lines + [""]:
        if line.strip() and current and _PARAGRAPH_NUMBER.match(line):
            blocks.append(Block(current))  # a numbered paragraph ends the heading set above it
            current = []
        if line.strip():
            current.append(line)
            continue
        if current:
            first = current[0].strip()
            previous = blocks[-1].lines[-1].strip() if blocks else ""
            continues = previous and not _is_heading(blocks[-1]) and (
                first[:1].islower()
                or (first[:1].isdigit() and re.search(r"(?:[,\-–—]|\band|\bor|recommendations?)$", previous)))
            if continues:
                blocks[-1].lines += [""] + current  # the empty line marks the page break
            else:
                blocks.append(Block(current))
            current = []
    return blocks


def _is_heading(block: Block) -> bool:
    """A heading: one to three short lines, no ids, not a sentence (no closing full stop)."""
    text = block.text
    return (len(block.lines) <= 3 and not _PARAGRAPH_NUMBER.match(block.lines[0]) and len(text) <= 200 and not text.endswith((".", ",", ";", ":"))
            and text[:1].isupper() and not find_mentions(text))


# --- Items: a line naming ids, and what the state says under it ---------------------------------

_LABEL = re.compile(r"\s*(?:Recommendations?|Rec\.)\s*(?:No\.?\s*|Nos\.?\s*)?", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:,|;|&|\band\b)\s*")
# A position as a table cell or label right after the ids: `   Supported   …`, `: Noted.`, `(Supported)`
_CELL = re.compile(r"^(?:\s*[:.\-–—(]\s*|\s{2,}|\s)(?P<cell>(?:Partially\s+|Partly\s+|Not\s+)?"
                   r"(?:Supported|Accepted|Noted|Rejected)(?:\s+in\s+part)?)\b\)?[.:]?", re.IGNORECASE)
# The first sentence of a block that gives its ids a position: "Supported." or "Slovenia supports
# this recommendation (in part)"; never a sentence that merely uses the verb about something else.
_SELF = re.compile(r"^\s*(?:(?:Partially\s+|Partly\s+|Not\s+)?(?:Supported|Accepted|Noted|Rejected)"
                   r"(?:\s+in\s+part)?\b"
                   r"|.{0,80}?\b(?:this|these|the|both|all)\s+(?:two\s+|three\s+)?recommendations?\b)",
                   re.IGNORECASE)


@dataclass(frozen=True)
class Head:
    ids: tuple[str, ...]
    rest: str  # the line after the ids


def _head(line: str) -> Head | None:
    """The ids a line starts with (`122.14– 15`, `Recommendations 122.1 and 122.4:`), if any."""
    position = _LABEL.match(line).end() if _LABEL.match(line) else 0
    if not line[position:].lstrip()[:1].isdigit():
        return None
    position += len(line[position:]) - len(line[position:].lstrip())
    ids: list[str] = []
    while mention := mention_at(line, position):
        ids += mention.ids
        position = mention.end
        separator = _SEPARATOR.match(line, position)
        if separator and mention_at(line, separator.end()):
            position = separator.end()
        else:
            break
    return Head(tuple(ids), line[position:]) if ids else None


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", "!", "?", ")"))


@dataclass
class Item:
    ids: tuple[str, ...]
    cell: str | None  # the position the item's own head states, if it states one
    lines: list[str]  # what the state says about them
    comment_column: int | None  # in a table, where the comment column starts

    def explanation(self) -> str | None:
        paragraphs: list[str] = []
        previous_indent = None
        for line in self.lines:
            if self.comment_column is not None:
                line = _column(line, self.comment_column)
            if not line.strip():
                previous_indent = None  # a page break: the next page may be set further in
                continue
            indent = len(line) - len(line.lstrip())
            # A first line set further in than the one before starts a new paragraph.
            if not paragraphs or (previous_indent is not None and indent >= previous_indent + 3):
                paragraphs.append(" ".join(line.split()))
            else:
                paragraphs[-1] += " " + " ".join(line.split())
            previous_indent = indent
        text = "\n\n".join(p for p in paragraphs if p)
        return text or None


def _column(line: str, column: int) -> str:
    """A table row's comment cell: the text from `column` on (a word cut by a column shift is
    taken whole)."""
    if len(line) <= column:
        return ""
    start = column
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:]


def _split_items(block: Block) -> tuple[list[str], list[Item]]:
    """A block → the lines before any item (a paragraph) and its items. A line starts an item
    when it names ids and then a position (a table row), or names only ids at the start of the
    block or after a finished sentence; `122.22, 122.27,` continuing a list starts nothing."""
    prose: list[str] = []
    items: list[Item] = []
    for index, line in enumerate(block.lines):
        head = _head(line)
        starts = False
        if head is not None:
            cell = _CELL.match(head.rest)
            only_ids = not head.rest.strip(" :.–—-")
            mid_list = bool(re.search(r"(?:[,\-–—]|\band)\s*$", line))
            before = [previous for previous in block.lines[:index] if previous.strip()]
            after_sentence = not before or _ends_sentence(before[-1])
            # "Recommendations 122.1 and 122.4 are supported." is a sentence, not a heading.
            sentence = not cell and not only_ids and bool(responses_said(_sentences(head.rest)[0] if head.rest.strip() else ""))
            if cell or (after_sentence and not mid_list and not sentence and (only_ids or index == 0)):
                starts = True
        if starts:
            cell = _CELL.match(head.rest)
            rest = head.rest[cell.end():] if cell else head.rest.lstrip(" :.–—-")
            column = None
            if cell and rest.strip():
                offset = len(line) - len(head.rest) + cell.end()
                column = offset + len(rest) - len(rest.lstrip())
            items.append(Item(head.ids, cell.group("cell") if cell else None,
                              [" " * (len(line) - len(rest)) + rest] if rest.strip() else [], column))
        elif items:
            items[-1].lines.append(line)
        else:
            prose.append(line)
    return prose, items


# --- Claims: what each part of the text says of each id -------------------------------------------

@dataclass(frozen=True)
class Claim:
    rec_id: str
    position: str
    in_part: bool
    wording: str
    explicit: bool  # said of these ids; False when it only follows from the section's heading
    where: str  # for warnings: "paragraph 3", "the block under 122.14"


def _said_of_cell(cell: str) -> tuple[str, bool] | None:
    said = responses_said(cell)
    return (said[0].position, said[0].in_part) if said else None


_SENTENCE_END = re.compile(r"(?<=[a-z\d)”’\"])[.;!?]\s+(?=[A-Z“\"(])"
                           r"(?<!\bNo\. )(?<!\bNos\. )(?<!\bart\. )(?<!\bpara\. )")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" ,;:–—-")


def _claims_in_sentence(sentence: str, heading: str | None, heading_said: tuple[str, bool] | None,
                        where: str) -> list[Claim]:
    """Each position said in a sentence takes the ids after it (up to the next one said); one
    with none after takes those before it not yet taken ("Recommendations 122.1–4 are supported")."""
    mentions = find_mentions(sentence)
    if not mentions:
        return []
    said = responses_said(sentence)
    partial = bool(IN_PART.search(sentence))
    taken: set[int] = set()
    claims: list[Claim] = []
    for index, what in enumerate(said):
        limit = said[index + 1].start if index + 1 < len(said) else len(sentence)
        mine = [i for i, m in enumerate(mentions) if what.end <= m.start < limit and i not in taken]
        if not mine:
            mine = [i for i, m in enumerate(mentions) if m.end <= what.start and i not in taken]
        taken.update(mine)
        in_part = what.in_part or (partial and what.position == SUPPORTED)
        if in_part:
            wording = _clean(sentence)
        elif heading and heading_said == (what.position, False):
            wording = heading
        else:
            wording = _clean(sentence[:mentions[mine[0]].start] if mine else sentence)
            wording = re.sub(r"\s*\b(?:recommendations?|Nos?\.)\s*$", "", wording, flags=re.IGNORECASE) or wording
            wording = _clean(wording[:200])
        claims += [Claim(rec_id, what.position, in_part, wording, True, where)
                   for i in mine for rec_id in mentions[i].ids]
    # Ids no position in the sentence took: under a heading that states one, they are its list.
    if heading_said and not said:
        claims += [Claim(rec_id, heading_said[0], heading_said[1], heading, False, where)
                   for i, m in enumerate(mentions) for rec_id in m.ids]
    return claims


@dataclass(frozen=True)
class Reading:
    claims: list[Claim]
    explanations: dict[str, list[str]]


def _read(lines: list[str]) -> Reading:
    claims: list[Claim] = []
    explanations: dict[str, list[str]] = {}
    heading: str | None = None
    heading_said: tuple[str, bool] | None = None
    for block in _blocks(lines):
        if _is_heading(block):
            said = _said_of_cell(block.text)
            # A heading that states a position opens a section; a thematic one ("Right to
            # education") leaves the section as it was.
            if said:
                heading, heading_said = _clean(block.text), said
            continue
        prose, items = _split_items(block)
        prose = [line for line in prose if line.strip()]
        if prose:
            text = " ".join(" ".join(line.split()) for line in prose)
            number = _PARAGRAPH_NUMBER.match(prose[0])
            where = f"paragraph {number.group(1)}" if number else f"the paragraph “{_clean(text)[:40]}…”"
            for sentence in _sentences(text):
                claims += _claims_in_sentence(sentence, heading, heading_said, where)
        for item in items:
            where = f"the block under {item.ids[0]}"
            explanation = item.explanation()
            said = _said_of_cell(item.cell) if item.cell else None
            wording = _clean(item.cell) if item.cell else None
            if said is None and explanation:
                first = _sentences(explanation)[0]
                if _SELF.match(first) and (found := responses_said(first)):
                    said = (found[0].position, found[0].in_part or bool(IN_PART.search(first)))
                    wording = _clean(first)
            if said:
                if said == heading_said and heading and not said[1]:
                    wording = heading
                claims += [Claim(rec_id, said[0], said[1], wording, True, where) for rec_id in item.ids]
            elif heading_said:
                claims += [Claim(rec_id, heading_said[0], heading_said[1], heading, False, where)
                           for rec_id in item.ids]
            if explanation:
                for rec_id in item.ids:
                    explanations.setdefault(rec_id, []).append(explanation)
    return Reading(claims, explanations)


def _resolve(claims: list[Claim]) -> tuple[dict[str, Claim], list[ParseWarning]]:
    """One claim per id: what is said of the ids themselves outranks what their section's heading
    implies; between two explicit claims, "in part" is the more precise reading of "supported";
    supported against noted is a contradiction in the text, reported, and the first one stands."""
    chosen: dict[str, Claim] = {}
    warnings: list[ParseWarning] = []
    for claim in claims:
        held = chosen.get(claim.rec_id)
        if held is None or (claim.explicit and not held.explicit):
            chosen[claim.rec_id] = claim
        elif claim.explicit == held.explicit and claim.position != held.position:
            if claim.explicit:
                warnings.append(ParseWarning(
                    f"{claim.rec_id} is {held.position} in {held.where} and {claim.position} in "
                    f"{claim.where}; the first is kept"))
        elif claim.position == held.position and claim.in_part and not held.in_part:
            chosen[claim.rec_id] = claim
    return chosen, warnings


# --- Totals the text states ----------------------------------------------------------------------

_STATED = re.compile(r"(\d{1,3})\s+(?:(?:recommendations?|are|were|have\s+been|has\s+been|is|now|of\s+them)\s+){0,3}"
                     r"(supported|accepted|noted)\b", re.IGNORECASE)


def _stated_counts(text: str) -> dict[str, int] | None:
    """The totals a sentence states for both positions ("… of which 124 are now supported and 33
    noted"); a sentence naming one only ("58 were immediately supported") is about the report."""
    for sentence in _sentences(" ".join(text.split())):
        counts: dict[str, int] = {}
        for number, word in _STATED.findall(sentence):
            position = NOTED if word.lower() == "noted" else SUPPORTED
            counts.setdefault(position, int(number))
        if len(counts) == 2:
            return counts
    return None


# --- The whole document --------------------------------------------------------------------------

def _report_symbol(symbol: str | None) -> str | None:
    return symbol.split("/Add.")[0] if symbol else None


def parse_addendum(text: str, source: str, registry: Registry | None = None) -> Addendum:
    """Parse the clean text of an addendum. Raises ReportError naming `source` when it is not an
    addendum or names no recommendation."""
    registry = registry or load_registry()
    source = str(source)
    if not is_addendum(text):
        raise ReportError(source, "is not an addendum to a UPR report (its cover has no “/Add.” "
                                  "symbol, no “Addendum”, no “Views on conclusions and/or recommendations”)")
    header = text[:4000]
    symbol = metadata.find_symbol(header, text)
    if symbol is not None and "/Add." not in symbol:
        symbol = None  # the running headers gave the report's symbol, not the addendum's
    lines = lines_without_furniture(text)
    reading = _read(lines)
    if not reading.claims:
        named = sorted({i for m in find_mentions(" ".join(lines)) for i in m.ids}, key=id_sort_key)
        detail = (f"it names {len(named)} recommendation id(s) but never says whether they are supported "
                  "or noted") if named else "it names no recommendation ids (such as 122.17)"
        raise ReportError(source, f"is an addendum, but {detail}")
    chosen, warnings = _resolve(reading.claims)

    explained_only = sorted(set(reading.explanations) - set(chosen), key=id_sort_key)
    if explained_only:
        warnings.append(ParseWarning(f"{len(explained_only)} id(s) are explained but never given a "
                                     f"position: {', '.join(explained_only)}"))
    document = symbol or source
    responses = {
        rec_id: Response(
            document=document,
            position=claim.position,
            wording=claim.wording,
            in_part=claim.in_part,
            explanation="\n\n".join(reading.explanations[rec_id]) if rec_id in reading.explanations else None,
        )
        for rec_id, claim in sorted(chosen.items(), key=lambda item: id_sort_key(item[0]))
    }
    stated = _stated_counts("\n".join(lines))
    if stated:
        found = {position: sum(1 for r in responses.values() if r.position == position)
                 for position in (SUPPORTED, NOTED)}
        if found != stated:
            warnings.append(ParseWarning(
                f"the addendum says {stated[SUPPORTED]} supported and {stated[NOTED]} noted; "
                f"{found[SUPPORTED]} supported and {found[NOTED]} noted were read"))
    state = metadata.find_state_under_review("", header, registry)
    if state is None:
        state = next(iter(registry.find_all(" ".join(lines)[:3000])), None)
    return Addendum(
        source=source,
        symbol=symbol,
        report_symbol=_report_symbol(symbol),
        state_under_review=state,
        hrc_session=metadata.find_council_session(" ".join(header.split())),
        date=metadata.find_distribution_date(" ".join(header.split())),
        responses=responses,
        stated_counts=stated,
        warnings=tuple(warnings),
    )
