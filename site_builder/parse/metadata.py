"""The header and the introduction → who was reviewed, when, by which troika, on which documents.

The facts come from the cover page (symbol, date of distribution, Council session) and from
paragraphs 1–4, whose wording has barely changed since 2008: "held its twentieth session",
"The review of Kazakhstan was held at the 7th meeting, on 30 October 2014", "(troika) to
facilitate the review of Kazakhstan: Germany, Kuwait and South Africa", "A list of questions
prepared in advance by …".
"""

from __future__ import annotations

import datetime as dt
import re

from ..model import State
from ..states import Registry

_MONTHS = {name: index for index, name in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_DATE = r"(\d{1,2})\s*(?:st|nd|rd|th)?\s+([A-Z][a-z]+),?\s+(\d{4})"

_UNITS = "zero first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_TENS = {"twent": 20, "thirt": 30, "fort": 40, "fift": 50, "sixt": 60, "sevent": 70, "eight": 80, "ninet": 90}


def ordinal_to_int(word: str) -> int | None:
    """`twentieth` → 20, `forty-second` → 42, `28th` → 28."""
    word = word.lower().strip()
    if match := re.fullmatch(r"(\d+)(?:st|nd|rd|th)?", word):
        return int(match.group(1))
    if word in _UNITS:
        return _UNITS.index(word)
    head, _, tail = word.partition("-")
    for stem, value in _TENS.items():
        if head.startswith(stem):
            if not tail:
                return value if head in (stem + "ieth", stem + "y") else None
            unit = _UNITS.index(tail) if tail in _UNITS[1:10] else None
            return value + unit if unit else None
    return None


_ORDINAL = r"(\d{1,2}(?:st|nd|rd|th)|[a-z]+(?:-[a-z]+)?)"


def iso_date(text: str | None) -> str | None:
    if not text:
        return None
    match = re.search(_DATE, text)
    if not match:
        return None
    day, month, year = match.groups()
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    try:
        return dt.date(int(year), month_number, int(day)).isoformat()
    except ValueError:
        return None


_SYMBOL = re.compile(r"A/HRC/\s?(\d{1,2})/(\d{1,3})((?:/Add\.\s?\d+)?)(?![\d/])")


def find_symbol(header: str, text: str) -> str | None:
    """The cover page's symbol; failing that, the one the running page headers repeat most."""
    found = _SYMBOL.findall(header[:3000])
    if not found:
        headers = re.findall(r"(?m)^\s*(" + _SYMBOL.pattern + r")\s*(?:Page\s+\d+)?\s*$", text)
        found = [groups[1:] for groups in headers]
        found = sorted(found, key=found.count, reverse=True)[:1]
    if not found:
        return None
    session, number, addendum = found[0]
    return f"A/HRC/{session}/{number}{addendum.replace(' ', '')}"


def find_distribution_date(header: str) -> str | None:
    match = re.search(r"Distr\.?:?\s*(?:General|GENERAL|Limited|LIMITED)\b.{0,60}?" + _DATE, header, re.DOTALL)
    if match:
        return iso_date(match.group(0))
    # 2008 cover pages put the date after the symbol: `A/HRC/8/29 23 May 2008`
    match = re.search(r"A/HRC/\s?\d+/\d+\s+" + _DATE, header)
    return iso_date(match.group(0)) if match else None


def find_council_session(header: str) -> int | None:
    match = re.search(r"(?i)\b" + _ORDINAL + r"\s+session\b", header)
    return ordinal_to_int(match.group(1)) if match else None


def find_title(header: str) -> str:
    match = re.search(r"Report of the Working Group on the Universal\s+Periodic\s+Review", header, re.IGNORECASE)
    return " ".join(match.group(0).split()) if match else "Report of the Working Group on the Universal Periodic Review"


def find_wg_session(intro: str) -> int | None:
    match = re.search(r"(?i)held its\s+" + _ORDINAL + r"\s+session", intro)
    return ordinal_to_int(match.group(1)) if match else None


def find_state_under_review(intro: str, header: str, registry: Registry) -> State | None:
    for pattern in (r"[Tt]he review of (.{3,80}?) was held",
                    r"adopted the (?:present )?report on (.{3,80}?)[.,]",
                    r"to facilitate the review of (.{3,80}?):"):
        match = re.search(pattern, intro)
        if match and (state := registry.resolve(match.group(1))) is not None:
            return state
    # The cover page names the state on a line of its own under the title.
    title = re.search(r"Universal\s+Periodic\s+Review\W*(?:\*[^\n]*\n)?\s*(.{3,80}?)\s*(?:\n|$|\*|Contents|CONTENTS)",
                      header, re.IGNORECASE)
    if title and (state := registry.resolve(title.group(1))) is not None:
        return state
    return None


def find_review_date(intro: str) -> str | None:
    match = re.search(r"review of .{3,80}? was held at the \S+ meeting,?\s+(?:held\s+)?on\s+" + _DATE, intro)
    return iso_date(match.group(0)) if match else None


def find_adoption_date(intro: str) -> str | None:
    match = re.search(r"At its \S+ meeting,?\s+held\s+on\s+" + _DATE + r",?\s+the Working Group adopted", intro)
    return iso_date(match.group(0)) if match else None


_ABBREVIATION = r"(?<!\bH\.E)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bDr)(?<!\bSt)(?<!\b[A-Z])"


def find_head_of_delegation(intro: str) -> str | None:
    match = re.search(r"delegation of .{3,80}? was headed by (.{3,300}?)" + _ABBREVIATION + r"\.(?:\s+[A-Z(]|\s*$)", intro)
    if not match:
        return None
    head = " ".join(match.group(1).split())
    return head.split(". For the composition")[0].rstrip(" ,;")


def find_troika(intro: str, registry: Registry) -> tuple[State, ...]:
    match = re.search(r"\(troika\)[^:]{0,200}:\s*(.{3,300}?)\.(?:\s|$)", intro)
    return tuple(registry.find_all(match.group(1))) if match else ()


def find_advance_questions(intro: str, registry: Registry) -> tuple[State, ...]:
    match = re.search(r"questions prepared in advance by (.{3,1200}?) (?:was|were) transmitted", intro, re.DOTALL)
    if not match:
        return ()
    names = re.sub(r"on behalf of [^,]*(?:,|$)", "", match.group(1))
    return tuple(registry.find_all(names))


_DOCUMENT = re.compile(r"A/HRC/WG\.\s?6/\s?\d+/\s?[A-Z]{3}\s?/\s?\d+(?:/(?:Corr|Add|Rev)\.\s?\d+)?")


def find_documents(texts: list[str]) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for text in texts:
        for match in _DOCUMENT.finditer(text):
            found.setdefault(re.sub(r"\s", "", match.group(0)), None)
    return tuple(found)
