"""The states registry: the one place where a spelling of a state's name becomes a State.

UPR reports name the same state many ways ("Iran (Islamic Republic of)", "the Islamic Republic
of Iran", "Iran"; "Turkey", "Türkiye"; "Côte d’Ivoire", "Cote d'Ivoire"), across line breaks and
page furniture. states.yaml lists the states and the spellings whose words differ; this module
folds away the differences that are only typography (case, accents, apostrophes, hyphens,
whitespace, a leading "the") and never guesses beyond that.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

from .model import State

GROUPS = (
    "African",
    "Asia-Pacific",
    "Eastern European",
    "Latin American and Caribbean",
    "Western European and others",
)

_YAML = Path(__file__).with_name("states.yaml")

_APOSTROPHES = "'‘’‛`´ʹʼ′"
_QUOTES = '"“”„‟″'
# Hyphens and dashes count as spaces: "Timor-Leste", "Timor- Leste" (a broken line) and
# "Bosnia-Herzegovina" must meet the same key as their spaced forms.
_DASHES = "-‐‑‒–—―"
_EDGE = " .,;:!?'\"*"  # what a spelling cut out of running text may carry at either end


@cache
def _fold_char(ch: str) -> str:
    if ch in _APOSTROPHES:
        return "'"
    if ch in _QUOTES:
        return '"'
    if ch in _DASHES or ch.isspace():
        return " "
    if ch == "\u00ad":  # soft hyphen: invisible in the document, so invisible here
        return ""
    # NFKD splits "ô" into "o" + a combining accent (dropped) and compatibility forms such as
    # the no-break space or the "ﬁ" ligature into plain ones, which is what NFKC would give.
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return plain.casefold()


def _fold(text: str, limit: int | None = None) -> tuple[str, list[int]]:
    """Fold text for comparison; also return, for each folded character, where its source ends.

    The positions let a match in folded text be reported in characters of the original text.
    With a limit, stop after that many folded characters: a prefix is all some callers need.
    """
    out: list[str] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        for f in _fold_char(ch):
            if f == " " and (not out or out[-1] == " "):
                continue  # runs of whitespace are one space, and leading space is dropped
            out.append(f)
            ends.append(i + 1)
        if limit is not None and len(out) >= limit:
            break
    return "".join(out), ends


def _strip_edges(key: str) -> str:
    """Drop punctuation around a spelling, and brackets that belong to the surrounding text.

    "(Sweden);" → "sweden", "Iran (Islamic Republic of))" → "iran (islamic republic of)",
    while the brackets of "Iran (Islamic Republic of)" itself stay.
    """
    while True:
        key = key.strip(_EDGE)
        opens, closes = key.count("("), key.count(")")
        if key.startswith("(") and opens > closes:
            key = key[1:]
        elif key.startswith("(") and key.endswith(")") and opens == closes:
            key = key[1:-1]
        elif key.endswith(")") and closes > opens:
            key = key[:-1]
        else:
            return key


def _key(spelling: str) -> str:
    key = _strip_edges(_fold(spelling)[0])
    return key[4:] if key.startswith("the ") else key


def _claim(index: dict[str, State], key: str, state: State, label: str) -> None:
    """Record key → state; a key that two states claim is an error in states.yaml."""
    other = index.setdefault(key, state)
    if other != state:
        raise ValueError(f"{_YAML.name}: {label} is given to both {other.iso3} and {state.iso3}")


class Registry:
    def __init__(self, entries: list[dict]):
        self._by_iso3: dict[str, State] = {}
        self._by_slug: dict[str, State] = {}
        self._by_key: dict[str, State] = {}
        for entry in entries:
            state = State(entry["iso3"], entry["name"], entry["slug"], entry["group"])
            if state.group not in GROUPS:
                raise ValueError(f"{_YAML.name}: {state.iso3} has unknown group {state.group!r}")
            _claim(self._by_iso3, state.iso3, state, f"code {state.iso3!r}")
            _claim(self._by_slug, state.slug, state, f"slug {state.slug!r}")
            for spelling in (state.name, *entry.get("aliases", ())):
                _claim(self._by_key, _key(spelling), state, f"spelling {spelling!r}")
        self._all = tuple(sorted(self._by_iso3.values(), key=lambda s: _key(s.name)))

        # Inverted names ("Korea, Republic of") are whole spellings from lists and databases; in
        # running text a comma ends a name, so "Moldova, Republic of Korea" must stay two states.
        in_text = [k for k in self._by_key if ", " not in k]
        # One alternation, longest first: at any position the regex then prefers
        # "guinea bissau" to "guinea" and "dominican republic" to "dominica", and scanning left to
        # right finds "papua new guinea" or "south sudan" before the shorter name inside it.
        # A slash joins words too: "USA" inside the symbol "A/HRC/WG.6/9/USA/1" names no state.
        names = "|".join(re.escape(k) for k in sorted(in_text, key=len, reverse=True))
        self._at_start = re.compile(rf"(?:the )?({names})(?![\w/])")
        self._anywhere = re.compile(rf"(?<![\w/])({names})(?![\w/])")
        self._prefix_limit = len("the ") + max(map(len, in_text)) + 1  # +1 to see the boundary

    def all(self) -> tuple[State, ...]:
        """Every state, sorted by name (accents ignored, so Côte d'Ivoire sits among the Cs)."""
        return self._all

    def by_iso3(self, code: str) -> State:
        return self._by_iso3[code.upper()]

    def by_slug(self, slug: str) -> State:
        return self._by_slug[slug]

    def resolve(self, spelling: str) -> State | None:
        """The state this spelling names, or None: unknown names are not guessed at."""
        return self._by_key.get(_key(spelling))

    def match_at_start(self, text: str) -> tuple[State, int] | None:
        """The state named at the very start of text, and how many characters of text name it.

        For the delegation that opens a dialogue paragraph: "The Niger commended …" → (NER, 9).
        """
        folded, ends = _fold(text, limit=self._prefix_limit)
        match = self._at_start.match(folded)
        if match is None:
            return None
        return self._by_key[match.group(1)], ends[match.end() - 1]

    def find_all(self, text: str) -> list[State]:
        """Every state named in text, in order of first mention, each once."""
        found: dict[str, State] = {}
        for match in self._anywhere.finditer(_fold(text)[0]):
            state = self._by_key[match.group(1)]
            found.setdefault(state.iso3, state)
        return list(found.values())


@cache
def load_registry() -> Registry:
    return Registry(yaml.safe_load(_YAML.read_text(encoding="utf-8")))
