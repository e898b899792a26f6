"""Which themes a recommendation is about, by the published rules in rules.yaml.

The rules are patterns a reader can check by eye (the method page lists them). Their syntax:

- a pattern is one or more words, matched case-insensitively and as whole words;
  between two words any run of spaces or punctuation matches (`ill treatment` matches
  "ill-treatment", `no 169` matches "No. 169");
- `*` at the end of a word matches any ending: `execut*` matches "execution", "executed";
- `/` between words offers alternatives for that word: `ratify/accede` matches either;
- `&` joins patterns that must all occur, anywhere and in any order:
  `sign/signing/signature & convention*/protocol*`;
- a theme's `unless:` phrases do not count: a pattern of the theme that falls on the words
  of one of them is ignored, so `unless: [General Assembly]` stops "assembly" counting
  there, but not elsewhere in the same recommendation;
- passing examples: the words after one of the file's `examples: begin:` phrases ("including",
  "in particular", "such as" ...) up to the next semicolon or the end of the text name examples,
  not what is asked (labelling guideline T1); a theme with `not_in_examples: true` ignores its
  patterns there. An `examples: except:` phrase starting at the same word ("including by")
  opens the means, not examples, so it opens no list.

A theme is assigned when any one of its patterns matches. Themes marked `shipped: false` in
themes.yaml (they failed the precision gate) keep their rules here, but are never assigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from site_builder.classify.taxonomy import TAXONOMY_FILE, all_themes

RULES_FILE = Path(__file__).with_name("rules.yaml")

_WORD = re.compile(r"^[^\W_]+\*?$")  # after splitting at punctuation: letters or digits, maybe a final *
_TOKEN = re.compile(r"[^\W_]+")  # words of a text: between them any spaces or punctuation


class RulesError(ValueError):
    """rules.yaml is not what the method page promises; the message names the file."""


@dataclass(frozen=True)
class RuleSet:
    """One theme's rules, as written in rules.yaml (for the method page)."""

    slug: str
    patterns: tuple[str, ...]  # any one of them assigns the theme
    unless: tuple[str, ...]  # phrases that do not count
    shipped: bool  # False: failed the precision gate, never assigned
    not_in_examples: bool = False  # a group named only as an example ("including migrants") does not count


@dataclass(frozen=True)
class Examples:
    """The phrases that open a list of passing examples, and those that look alike but do not."""

    begin: tuple[str, ...]
    except_: tuple[str, ...]


# A compiled phrase is a sequence of word slots; a slot is a tuple of (word, is_prefix) choices.
Slot = tuple[tuple[str, bool], ...]
Phrase = tuple[Slot, ...]


def _phrase(text: str, where: str) -> Phrase:
    slots = []
    for chunk in text.split():
        # "extrajudicial/extra-judicial" would split into two slots and silently ask for two words.
        if "/" in chunk and re.search(r"[-'’]", chunk):
            raise RulesError(f"{RULES_FILE}: {where}: {chunk!r} in pattern {text!r}: a word with a hyphen or "
                             "apostrophe cannot be one of `/` alternatives (it is two words); write it as its own pattern")
    # Punctuation inside a pattern is a separator like a space: "ill-treat*" is "ill treat*".
    for word in re.split(r"[\s,.;:'’()\-]+", text.strip()):
        if not word:
            continue
        choices = []
        for choice in word.split("/"):
            if not _WORD.match(choice):
                raise RulesError(f"{RULES_FILE}: {where}: bad word {choice!r} in pattern {text!r}")
            choices.append((choice.rstrip("*").lower(), choice.endswith("*")))
        slots.append(tuple(choices))
    if not slots:
        raise RulesError(f"{RULES_FILE}: {where}: empty pattern {text!r}")
    return tuple(slots)


def _slot_matches(slot: Slot, token: str) -> bool:
    return any(token.startswith(word) if prefix else token == word for word, prefix in slot)


@dataclass(frozen=True)
class _Theme:
    slug: str
    alternatives: tuple[tuple[int, ...], ...]  # each: phrase ids that must all match (`&`)
    unless: tuple[int, ...]  # phrase ids whose words do not count for this theme
    not_in_examples: bool


class _Matcher:
    """Every phrase of every theme, indexed by its first word, so a text is read once.

    Regular expressions were the obvious tool, but 53 alternations tried at every character
    cost ~5 ms a recommendation; looking each word up in a dictionary costs ~50 µs."""

    def __init__(self, rule_sets: list[RuleSet], examples: Examples):
        self.phrases: list[Phrase] = []
        seen: dict[Phrase, int] = {}
        self.exact: dict[str, list[int]] = {}
        self.prefixes: dict[str, list[int]] = {}

        def add(text: str, where: str) -> int:
            phrase = _phrase(text, where)
            if phrase not in seen:
                seen[phrase] = len(self.phrases)
                self.phrases.append(phrase)
                for word, prefix in phrase[0]:
                    (self.prefixes if prefix else self.exact).setdefault(word, []).append(seen[phrase])
            return seen[phrase]

        themes = []
        for rules in rule_sets:
            where = f"theme {rules.slug}"
            alternatives = tuple(tuple(add(part, where) for part in pattern.split("&")) for pattern in rules.patterns)
            for phrase in rules.unless:
                if "&" in phrase:
                    raise RulesError(f"{RULES_FILE}: {where}: `unless:` takes phrases, not `&`")
            unless = tuple(add(phrase, where + ", unless") for phrase in rules.unless)
            themes.append(_Theme(rules.slug, alternatives, unless, rules.not_in_examples))
        self.themes = tuple(themes)
        self.examples_begin = tuple(add(phrase, "examples, begin") for phrase in examples.begin)
        self.examples_except = tuple(add(phrase, "examples, except") for phrase in examples.except_)
        self.used_by: dict[int, set[int]] = {}  # phrase → the themes whose patterns use it
        for index, theme in enumerate(self.themes):
            for alternative in theme.alternatives:
                for phrase_id in alternative:
                    self.used_by.setdefault(phrase_id, set()).add(index)
        self.longest_prefix = max((len(w) for w in self.prefixes), default=0)
        self._first_words: dict[str, tuple[int, ...]] = {}  # token → `_beginning_with` it

    def spans(self, text: str) -> dict[int, list[tuple[int, int]]]:
        """Where each phrase occurs in the text, as word spans [start, end)."""
        tokens = [t.lower() for t in _TOKEN.findall(text)]
        found: dict[int, list[tuple[int, int]]] = {}
        for i, token in enumerate(tokens):
            for phrase_id in self._beginning_with(token):
                phrase = self.phrases[phrase_id]
                end = i + len(phrase)
                if end <= len(tokens) and all(_slot_matches(slot, tokens[i + k]) for k, slot in enumerate(phrase[1:], 1)):
                    found.setdefault(phrase_id, []).append((i, end))
        return found

    def _beginning_with(self, token: str) -> tuple[int, ...]:
        """The phrases whose first word is the token, or a prefix of it; kept per token, since
        a report's few thousand distinct words recur: the prefix lookups were most of `spans`."""
        phrases = self._first_words.get(token)
        if phrases is None:
            found = list(self.exact.get(token, ()))
            for length in range(1, min(len(token), self.longest_prefix) + 1):
                found.extend(self.prefixes.get(token[:length], ()))
            phrases = self._first_words[token] = tuple(found)
        return phrases

    def _examples(self, text: str, found: dict[int, list[tuple[int, int]]]) -> set[int]:
        """The word positions inside lists of passing examples: from an opener to the end of
        its clause (the last word before a semicolon, or the last word)."""
        matches = list(_TOKEN.finditer(text))
        clause_ends = [i for i in range(len(matches) - 1) if ";" in text[matches[i].end():matches[i + 1].start()]]
        not_openers = {start for p in self.examples_except for start, _ in found.get(p, ())}
        words: set[int] = set()
        for phrase_id in self.examples_begin:
            for start, _ in found.get(phrase_id, ()):
                if start not in not_openers:
                    end = next((e + 1 for e in clause_ends if e >= start), len(matches))
                    words.update(range(start, end))
        return words

    def themes_of(self, text: str) -> tuple[str, ...]:
        found = self.spans(text)
        examples: set[int] | None = None  # worked out only when a candidate theme needs it
        # Only themes with a phrase in the text can match: usually a handful of the 53.
        candidates = sorted({index for phrase_id in found for index in self.used_by.get(phrase_id, ())})
        result = []
        for index in candidates:
            theme = self.themes[index]
            masked = {i for phrase_id in theme.unless for start, end in found.get(phrase_id, ()) for i in range(start, end)}
            if theme.not_in_examples:
                if examples is None:
                    examples = self._examples(text, found)
                masked |= examples

            def counts(phrase_id: int) -> bool:
                spans = found.get(phrase_id, ())
                return any(masked.isdisjoint(range(start, end)) for start, end in spans)

            if any(all(counts(p) for p in alternative) for alternative in theme.alternatives):
                result.append(theme.slug)
        return tuple(result)


def _as_list(value, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulesError(f"{RULES_FILE}: {where}: {key} must be a list of patterns")
    return tuple(value)


def rules_by_theme() -> dict[str, RuleSet]:
    """Every theme's rules, in taxonomy order, for the method page (shipped or not)."""
    return _load()[0]


def passing_examples() -> Examples:
    """The phrases that open a list of passing examples (rules.yaml `examples:`)."""
    return _load()[1]


@cache
def _load() -> tuple[dict[str, RuleSet], Examples]:
    try:
        data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RulesError(f"{RULES_FILE}: cannot be read: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("themes"), dict):
        raise RulesError(f"{RULES_FILE}: expected a mapping `themes:` of theme slug → rules")
    taxonomy = all_themes()
    known = {theme.slug for theme in taxonomy}
    for slug in data["themes"]:
        if slug not in known:
            raise RulesError(f"{RULES_FILE}: unknown theme {slug!r} (not in {TAXONOMY_FILE.name})")
    result = {}
    for theme in taxonomy:
        entry = data["themes"].get(theme.slug)
        if entry is None:
            raise RulesError(f"{RULES_FILE}: theme {theme.slug!r} has no rules")
        if not isinstance(entry, dict) or set(entry) - {"patterns", "unless", "not_in_examples"}:
            raise RulesError(
                f"{RULES_FILE}: theme {theme.slug}: expected `patterns:` and optional `unless:`, `not_in_examples:`"
            )
        not_in_examples = entry.get("not_in_examples", False)
        if not isinstance(not_in_examples, bool):
            raise RulesError(f"{RULES_FILE}: theme {theme.slug}: `not_in_examples:` must be true or false")
        patterns = _as_list(entry.get("patterns"), f"theme {theme.slug}", "patterns")
        if not patterns:
            raise RulesError(f"{RULES_FILE}: theme {theme.slug}: no patterns")
        unless = _as_list(entry.get("unless"), f"theme {theme.slug}", "unless")
        result[theme.slug] = RuleSet(theme.slug, patterns, unless, theme.shipped, not_in_examples)
    entry = data.get("examples")
    if not isinstance(entry, dict) or set(entry) - {"begin", "except"} or not entry.get("begin"):
        raise RulesError(f"{RULES_FILE}: expected `examples:` with `begin:` and optional `except:` phrases")
    examples = Examples(_as_list(entry["begin"], "examples", "begin"), _as_list(entry.get("except"), "examples", "except"))
    for phrase in examples.begin + examples.except_:
        if "&" in phrase:
            raise RulesError(f"{RULES_FILE}: examples: takes phrases, not `&`")
    # Compiling every theme, shipped or not, checks every pattern now, naming the file.
    _Matcher(list(result.values()), examples)
    return result, examples


@cache
def _matcher(include_unshipped: bool) -> _Matcher:
    rules = [rules for rules in rules_by_theme().values() if rules.shipped or include_unshipped]
    return _Matcher(rules, passing_examples())


def themes_of(text: str, include_unshipped: bool = False) -> tuple[str, ...]:
    """The slugs of the themes a recommendation's text is about, in taxonomy order.

    `include_unshipped` is for measuring the rules of themes that failed the gate; the site
    never asks for it."""
    return _matcher(include_unshipped).themes_of(text)
