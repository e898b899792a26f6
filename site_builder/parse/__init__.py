"""Clean text → Report. Each concern has its own module:

    layout.py           page furniture, footnotes, line structure
    paragraphs.py       the numbered paragraphs and their headings
    metadata.py         symbol, dates, sessions, troika, documents
    speakers.py         who speaks in the interactive dialogue
    recommendations.py  the lists, their ids and positions
    attribution.py      which states made each recommendation
    positions.py        the table of wordings → supported / noted / pending
    addendum.py         an addendum: the state's later responses to what its report left pending
"""

from __future__ import annotations

import re
from pathlib import Path

from ..classify import classify
from ..errors import ReportError
from ..model import Addendum, Document, Paragraph, ParseWarning, Report, Review, cycle_of_session
from ..read import read_report_text
from ..states import Registry, load_registry
from . import metadata
from .addendum import is_addendum, parse_addendum
from .layout import extract_body
from .paragraphs import split_paragraphs
from .recommendations import parse_recommendations
from .speakers import find_speaker, is_dialogue

# A UPR report has at least an introduction, a dialogue and conclusions; fewer paragraphs
# than this means the file is something else, or was cut short.
MIN_PARAGRAPHS = 5


def parse_report(text: str, source: str | Path, registry: Registry | None = None) -> Report:
    """Parse the clean text of a UPR Working Group report. Raises ReportError naming `source`."""
    registry = registry or load_registry()
    source = str(source)
    body = extract_body(text)
    split = split_paragraphs(body.text)
    warnings = [ParseWarning(message, number) for number, message in split.warnings]

    if "Working Group on the Universal Periodic Review" not in " ".join(text[:20000].split()):
        raise ReportError(source, "is not a UPR Working Group report (its first pages never name "
                                  "“the Working Group on the Universal Periodic Review”)")
    symbol = metadata.find_symbol(split.header, text)
    if symbol is None:
        warnings.append(ParseWarning("the document symbol (A/HRC/…) is missing from the text"))
    elif "/Add." in symbol:
        raise ReportError(source, f"is an addendum ({symbol}), the state's written responses; "
                                  "addenda are read together with their report, not on their own")
    if len(split.paragraphs) < MIN_PARAGRAPHS:
        raise ReportError(source, f"has only {len(split.paragraphs)} numbered paragraph(s); "
                                  "the report looks truncated or is not a Working Group report")

    intro = " ".join(p.text for p in split.paragraphs[:6])
    state_under_review = metadata.find_state_under_review(intro, split.header, registry)
    if state_under_review is None:
        raise ReportError(source, "does not say which state was reviewed (expected “The review of … "
                                  "was held” in paragraph 1)")

    _check_complete(split.paragraphs, source)
    recommendations, rec_warnings, list_text = parse_recommendations(split.paragraphs, registry, source)
    warnings += rec_warnings
    if not recommendations:
        warnings.append(ParseWarning("no recommendations found"))

    paragraphs = []
    section, subsection = "Introduction", None
    for raw in split.paragraphs:
        text_shown = list_text.get(raw.number, raw.text)
        speaker = find_speaker(raw.text, state_under_review, registry) if is_dialogue(subsection) else None
        paragraphs.append(Paragraph(raw.number, section, subsection, text_shown, speaker))
        for heading in raw.headings_after:
            if heading.top_level:
                section, subsection = heading.text, None
            else:
                subsection = heading.text

    warnings += _check_delegation_count(paragraphs, state_under_review)
    wg_session = metadata.find_wg_session(intro)
    document = Document(
        symbol=symbol,
        title=metadata.find_title(split.header),
        date=metadata.find_distribution_date(split.header),
        hrc_session=metadata.find_council_session(split.header),
    )
    review = Review(
        state_under_review=state_under_review,
        wg_session=wg_session,
        cycle=cycle_of_session(wg_session),
        review_date=metadata.find_review_date(intro),
        adoption_date=metadata.find_adoption_date(intro),
        troika=metadata.find_troika(intro, registry),
        head_of_delegation=metadata.find_head_of_delegation(intro),
        documents=metadata.find_documents([intro, *body.footnotes.values()]),
        advance_questions_by=metadata.find_advance_questions(intro, registry),
    )
    return Report(source, document, review, tuple(paragraphs), tuple(classify(recommendations)), tuple(warnings))


# Every Working Group report closes its conclusions with the same disclaimer; a text without it
# was cut short, and parsing it would silently lose recommendations.
_CLOSING = re.compile(r"reflect the positions? of the submitting|not be construed as endorsed", re.IGNORECASE)


def _check_complete(paragraphs: list, source: str) -> None:
    if not any(_CLOSING.search(p.text) for p in paragraphs[-8:]):
        raise ReportError(source, f"is truncated: the text stops at paragraph {paragraphs[-1].number}, "
                                  "before the closing paragraph (“All conclusions and/or recommendations "
                                  "… should not be construed as endorsed by the Working Group”)")


def _check_delegation_count(paragraphs: list[Paragraph], state_under_review) -> list[ParseWarning]:
    """Reports say how many delegations spoke ("73 delegations made statements"): a cross-check."""
    for para in paragraphs:
        if match := re.search(r"\b(\d+) delegations made statements", para.text):
            stated = int(match.group(1))
            found = len({p.speaker for p in paragraphs if p.speaker and p.speaker != state_under_review})
            if stated != found:
                return [ParseWarning(f"the report says {stated} delegations made statements; "
                                     f"{found} were found speaking in the dialogue", para.number)]
            break
    return []


def parse_file(path: str | Path, registry: Registry | None = None) -> Report:
    """Read and parse one report file (text in any encoding we meet, or a PDF)."""
    path = Path(path)
    return parse_report(read_report_text(path), path, registry)


def parse_text(text: str, source: str | Path, registry: Registry | None = None) -> Report | Addendum:
    """A report, or an addendum of the state's responses to one: whichever the cover says it is."""
    if is_addendum(text):
        return parse_addendum(text, str(source), registry)
    return parse_report(text, source, registry)


def parse_document(path: str | Path, registry: Registry | None = None) -> Report | Addendum:
    """Read and parse one file of content/reports/: a report, or an addendum to one."""
    path = Path(path)
    return parse_text(read_report_text(path), path, registry)
