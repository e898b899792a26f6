"""The search engine over the exported static index: the Python twin of the browser client.

`search.py` writes the index (format v4) as static files under `search/`; this module answers a
query by reading only the files that query needs, exactly as the browser client does, so the
command line and the browser return the same results (and a benchmark can count the bytes a
query fetches from `SearchResult.files_read`).

The semantics, step by step (the JavaScript client implements the same):

1. Parse. The query is lowercased. Each `"` opens a phrase that runs to the next `"` (or to the
   end of the query when it is not closed). The rest is split on whitespace into chunks; a chunk
   that starts with `-` excludes its words, any other chunk requires its words. Words are split
   out with the indexing tokenizer's pattern `\\w+(?:\\.?\\w+)*` (Unicode `\\w`: letters, digits,
   underscore). A phrase's words are required too. A lone `-` (as in `-"…"`) means nothing.
2. Each word becomes a term through the words shard of its first two characters. A word the map
   does not hold matches nothing, and gets a suggestion: the closest word (Levenshtein distance
   ≤ 2 over code points, ties to the lexicographically first) among the non-stop words of its
   own shard, or, when that shard has none that close, among those of every shard whose name
   starts with the same character (`meta.json` lists the shards). A word mapping to "" (a stop
   word, or a one-character word) is ignored. Excluded words get no suggestion.
3. Candidates are the docs in the postings of ANY required term (each distinct term counted
   once); a doc's score is the sum of its scores for the terms it has. A required word that is
   not in the map leaves no candidates. With no required term but a chosen facet, the
   candidates are the docs of the chosen recommending state (`facets/by/`), else of the chosen
   theme (`facets/theme/`), else of the chosen group (`facets/group/`), else of the chosen
   action level (`facets/level/`), else every recommendation (`facets/all.json`), with score 0;
   with neither, none. Docs in any excluded term's postings are dropped.
4. Phrases: with a phrase, only the candidates with every required term stay, and of those the
   ones whose shown text "x" holds each phrase: the phrase's words, in order, at consecutive
   places (words of "x" as the tokenizer splits it, numbered from 0). A word of the phrase that
   maps to "" (a stop word, a one-character word) stands for any one word; the others match any
   word with the same term (so "death penalties" finds "death penalty"). The places come from
   the places shard of each term. A phrase with no term is no constraint.
5. Facets. Only recommendations have facet values: position, recommending states (by) and
   their regional groups (group), state under review (sur), cycle, themes (theme, by slug: none,
   one or several) and action level (level, "1" … "5", or none). Chosen facets {facet: value}
   (an empty value, or a facet name other than those seven, is ignored) keep the candidates
   that have every chosen value (a theme filter keeps the docs that have that theme among
   theirs).
6. All the words, or some. When at least 10 candidates have every required term, or the query
   has fewer than two, the results are those candidates; otherwise every candidate is a
   result, those with more of the terms first ("ICC Rome Statute" finds "Ratify the Rome
   Statute", which does not say ICC). `complete` counts the results with every term. Facet
   counts are over the results, for each facet: value → number of results with it (values no
   result has are left out).
7. Order: the number of required terms the doc has, descending; then score descending; then
   doc number ascending.
8. Pages of 10 (page 1 first; a page past the end is empty).

The files (format v4; paths relative to output/; JSON with sorted keys, no spaces, UTF-8).
`{p}` is a word's first two characters when they are [a-z0-9], else `_`; a terms or places
shard is named the same way, then one more character (a character outside [a-z0-9] as `_`)
for as long as that name is listed in meta.json's "split" and the term is longer (`shard_of`).

- `search/meta.json`: {"version": 4, "docs": N, "chunk": C, "prefix": 2, "words": [shard, …],
  "split": {"terms": [shard, …], "places": [shard, …]}}.
- `search/words/{p}.json`: {word: term}; "" for a word the analyser drops.
- `search/terms/{shard}.json`: {term: [gap, score, by, about, gap, score, by, about, …]} — doc
  numbers as gaps from the previous one (the first from 0), score = round(1000 × Whoosh's BM25F
  score), by = the doc's recommending states as one number: 0 none (or not a recommendation),
  1 … S the one state states[by − 1], above S the set sets[by − S − 1]; about = the doc's action
  level and themes as one number: 0 neither (or not a recommendation), else abouts[about − 1].
  Carrying both in each posting lets a query count every facet over its results from facets.json
  alone, whichever docs they are.
- `search/places/{shard}.json`: {term: {doc: [place, …]}}, each term's docs in number order
  (not sorted as text) — read only for phrases.
- `search/docs/{n}.json`: the records of docs C·n … C·n + C − 1, in doc order, each
  {"u": URL, "k": kind, "t": title, "x": text, "i": recommendation id, "p": position,
   "b": [recommending states], "r": state under review, "c": cycle}.
- `search/facets.json`: {"states": [[iso3, name, group number], …] (by ISO code), "groups":
  [name, …], "sets": [[state number, …], …], "reviews": [[gap, count, state under review,
  cycle (0 unknown)], …] — each review's recommendations are consecutive docs, the gap counted
  from the end of the previous review's —, "position": {value: [gap, length, gap, length, …]}
  — runs of consecutive docs, each gap from the end of the previous run —, "themes": [[slug,
  name], …] — the themes some recommendation has, in the taxonomy's order —, "levels": [name of
  level 1, …, name of level 5], "abouts": [[level (0 none), theme number, …], …] — each
  distinct combination of a level and a set of themes (numbers in "themes", ascending), the
  most frequent first, so that the commonest combinations are the shortest numbers}.
- `search/facets/by/{iso3}.json`, `search/facets/theme/{slug}.json`,
  `search/facets/group/{group number}.json`, `search/facets/level/{level}.json`,
  `search/facets/all.json`: [gap, by, about, gap, by, about, …] — the recommendations of that
  state, theme, group, level, or all; read only for a search by facets alone.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The tokenizer's pattern, for indexing (search.py) and for queries alike.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
WORD = re.compile(WORD_PATTERN)
NON_WORD = re.compile(r"\W+")
SHARD_CHARACTERS = re.compile(r"[a-z0-9]+")

FORMAT_VERSION = 4
FACETS = ("position", "by", "sur", "group", "cycle", "theme", "level")
PAGE_SIZE = 10
MAX_SUGGESTION_DISTANCE = 2


def shard_name(text: str, prefix: int = 2) -> str:
    """The shard of a word or term: its first `prefix` characters when they are all [a-z0-9],
    else `_`."""
    head = text[:prefix]
    return head if SHARD_CHARACTERS.fullmatch(head) else "_"


def shard_of(key: str, split: set[str] | frozenset[str], prefix: int = 2) -> str:
    """The shard of a term in a folder whose large shards were split (meta.json "split"): its
    first `prefix` characters' shard, then one more character for as long as that shard was
    split and the term is longer (a character outside [a-z0-9] counts as `_`)."""
    shard = shard_name(key, prefix)
    while shard in split and len(key) > len(shard):
        shard += shard_name(key[len(shard)], 1)
    return shard


def normalize(text: str) -> str:
    """Text as compared for sameness: lowercased, runs of non-word characters made one space."""
    return NON_WORD.sub(" ", text.lower()).strip()


def words_of(text: str) -> list[str]:
    return WORD.findall(text.lower())


def levenshtein(a: str, b: str) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # required, in query order (the words of phrases included)
    phrases: tuple[tuple[str, ...], ...]  # each phrase's words, non-empty
    excluded: tuple[str, ...]


def parse_query(query: str) -> ParsedQuery:
    text = query.lower()
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    rest: list[str] = []
    position = 0
    while True:
        start = text.find('"', position)
        if start < 0:
            rest.append(text[position:])
            break
        rest.append(text[position:start])
        end = text.find('"', start + 1)
        phrase = text[start + 1:] if end < 0 else text[start + 1:end]
        rest.append(" ")
        phrase_words = WORD.findall(phrase)
        if phrase_words:
            phrases.append(tuple(phrase_words))
        words += phrase_words
        if end < 0:
            break
        position = end + 1
    excluded: list[str] = []
    for chunk in "".join(rest).split():
        if chunk.startswith("-"):
            excluded += WORD.findall(chunk[1:])
        else:
            words += WORD.findall(chunk)
    return ParsedQuery(tuple(words), tuple(phrases), tuple(excluded))


@dataclass(frozen=True)
class Hit:
    doc: int
    score: int
    record: dict[str, Any]  # {"u", "k", "t", "x", "i", "p", "b", "r", "c"}


@dataclass
class SearchResult:
    query: str
    total: int
    complete: int  # how many of the results have every word (the rest have some: see step 6)
    page: int
    pages: int
    hits: list[Hit]
    suggestions: dict[str, str]  # misspelt word → suggested word
    facets: dict[str, dict[str, int]]  # facet → value → count over the whole result set
    terms: list[str]  # the required terms, for highlighting
    phrases: list[str]
    files_read: list[str] = field(default_factory=list)  # paths relative to output/, in order


class Facets:
    """facets.json, decoded: which facet values each recommendation has."""

    def __init__(self, data: dict[str, Any]):
        self.states = [iso3 for iso3, _, _ in data["states"]]
        self.names = {iso3: name for iso3, name, _ in data["states"]}
        self.groups = data["groups"]
        self.group_of = {iso3: self.groups[group] for iso3, _, group in data["states"]}
        self.sets = [[self.states[n] for n in members] for members in data["sets"]]
        self.position: dict[int, str] = {}
        for value, runs in data["position"].items():
            for start, end in _decode_runs(runs):
                self.position.update(dict.fromkeys(range(start, end), value))
        self.review_starts: list[int] = []
        self.reviews: list[tuple[int, str, int]] = []  # (end, state under review, cycle)
        for start, end in _decode_runs([n for gap, count, _, _ in data["reviews"] for n in (gap, count)]):
            self.review_starts.append(start)
        for start, (_, count, state, cycle) in zip(self.review_starts, data["reviews"]):
            self.reviews.append((start + count, self.states[state], cycle))
        self.themes = [slug for slug, _ in data["themes"]]
        self.theme_names = dict(data["themes"])
        self.level_names = {str(level): name for level, name in enumerate(data["levels"], 1)}
        self.abouts = [([str(level)] if level else [], [self.themes[n] for n in numbers])
                       for level, *numbers in data["abouts"]]

    def by(self, ref: int) -> list[str]:
        if ref == 0:
            return []
        if ref <= len(self.states):
            return [self.states[ref - 1]]
        return self.sets[ref - len(self.states) - 1]

    def about(self, ref: int) -> tuple[list[str], list[str]]:
        """(the level, as a one-value list or empty; the theme slugs)."""
        return self.abouts[ref - 1] if ref else ([], [])

    def values(self, doc: int, ref: int, about: int = 0) -> dict[str, list[str]] | None:
        """facet → the doc's values, or None for a doc that is not a recommendation; `ref` and
        `about` are the numbers its postings carry."""
        position = self.position.get(doc)
        if position is None:
            return None
        end, state, cycle = self.reviews[bisect.bisect_right(self.review_starts, doc) - 1]
        by = self.by(ref)
        level, themes = self.about(about)
        return {"position": [position], "by": by, "sur": [state] if doc < end else [],
                "group": sorted({self.group_of[iso3] for iso3 in by}), "cycle": [str(cycle)] if cycle else [],
                "theme": themes, "level": level}


def _decode_runs(runs: list[int]) -> list[tuple[int, int]]:
    """[gap, length, gap, length, …] → [(start, end), …]."""
    found, end = [], 0
    for i in range(0, len(runs), 2):
        start = end + runs[i]
        end = start + runs[i + 1]
        found.append((start, end))
    return found


class IndexFiles:
    """The exported files, read on demand (each at most once), remembering which were read."""

    def __init__(self, files: Mapping[str, bytes] | Path | str):
        self._files = files if isinstance(files, Mapping) else Path(files)
        self._cache: dict[str, Any] = {}
        self.read: list[str] = []
        self.meta = self.json("search/meta.json")
        if self.meta.get("version") != FORMAT_VERSION:
            raise ValueError(f"search index format {self.meta.get('version')!r} is not {FORMAT_VERSION}")
        self.word_shards = set(self.meta.get("words", ()))
        self.split = {folder: set(names) for folder, names in self.meta.get("split", {}).items()}
        self.by_ref: dict[int, int] = {}  # doc → its recommending states, from the files read
        self.about_ref: dict[int, int] = {}  # doc → its level and themes, from the files read
        self._facets: Facets | None = None

    def json(self, path: str) -> Any:
        if path not in self._cache:
            if isinstance(self._files, Path):
                data = (self._files / path).read_bytes()
            else:
                data = self._files[path]
            self.read.append(path)
            self._cache[path] = json.loads(data)
        return self._cache[path]

    def words(self, shard: str) -> dict[str, str]:
        return self.json(f"search/words/{shard}.json") if shard in self.word_shards else {}

    def _shard(self, folder: str, term: str) -> dict[str, Any]:
        path = f"search/{folder}/{shard_of(term, self.split[folder], self.meta['prefix'])}.json"
        return self.json(path) if self.exists(path) else {}

    def exists(self, path: str) -> bool:
        return (self._files / path).is_file() if isinstance(self._files, Path) else path in self._files

    def postings(self, term: str) -> dict[int, int]:
        """doc → score; notes each doc's recommending states (`by_ref`) and its level and themes
        (`about_ref`) on the way."""
        flat = self._shard("terms", term).get(term, ())
        found, doc = {}, 0
        for i in range(0, len(flat), 4):
            doc += flat[i]
            found[doc] = flat[i + 1]
            self.by_ref[doc] = flat[i + 2]
            self.about_ref[doc] = flat[i + 3]
        return found

    def places(self, term: str) -> dict[int, set[int]]:
        return {int(doc): set(places) for doc, places in self._shard("places", term).get(term, {}).items()}

    def facets(self) -> Facets:
        if self._facets is None:
            self._facets = Facets(self.json("search/facets.json"))
        return self._facets

    def facet_docs(self, chosen: dict[str, str]) -> set[int]:
        """For a search by facets alone: the docs of the chosen recommending state, theme, group
        or level, in that order (or of every recommendation), their numbers noted in `by_ref`
        and `about_ref`, the other facets not applied."""
        facets = self.facets()
        # only a value the index lists names a file: a value is never a path
        if "by" in chosen:
            path = f"search/facets/by/{chosen['by']}.json" if chosen["by"] in facets.names else None
        elif "theme" in chosen:
            path = f"search/facets/theme/{chosen['theme']}.json" if chosen["theme"] in facets.theme_names else None
        elif "group" in chosen:
            path = f"search/facets/group/{facets.groups.index(chosen['group'])}.json" \
                if chosen["group"] in facets.groups else None
        elif "level" in chosen:
            path = f"search/facets/level/{chosen['level']}.json" if chosen["level"] in facets.level_names else None
        else:
            path = "search/facets/all.json"
        flat = self.json(path) if path and self.exists(path) else []
        docs, doc = set(), 0
        for i in range(0, len(flat), 3):
            doc += flat[i]
            docs.add(doc)
            self.by_ref[doc] = flat[i + 1]
            self.about_ref[doc] = flat[i + 2]
        return docs

    def record(self, doc: int) -> dict[str, Any]:
        chunk = self.meta["chunk"]
        return self.json(f"search/docs/{doc // chunk}.json")[doc % chunk]


def suggest(index: IndexFiles, word: str) -> str | None:
    prefix = index.meta["prefix"]
    own = shard_name(word, prefix)
    found = _closest(word, index.words(own))
    if found is None:
        neighbours = sorted(s for s in index.word_shards if s != own and s[:1] == word[:1] and s != "_")
        merged: dict[str, str] = {}
        for shard in neighbours:
            merged.update(index.words(shard))
        found = _closest(word, merged)
    return found


def _closest(word: str, words: Mapping[str, str]) -> str | None:
    best: tuple[int, str] | None = None
    for candidate, term in words.items():
        if not term or abs(len(candidate) - len(word)) > MAX_SUGGESTION_DISTANCE:
            continue
        distance = levenshtein(word, candidate)
        if distance <= MAX_SUGGESTION_DISTANCE and (best is None or (distance, candidate) < best):
            best = (distance, candidate)
    return best[1] if best else None


def search(files: Mapping[str, bytes] | Path | str, query: str, facets: dict[str, str] | None = None,
           page: int = 1) -> SearchResult:
    index = IndexFiles(files)
    prefix = index.meta["prefix"]
    parsed = parse_query(query)
    chosen = {name: value for name, value in (facets or {}).items() if name in FACETS and value}

    def term_of(word: str) -> str | None:
        return index.words(shard_name(word, prefix)).get(word)

    suggestions: dict[str, str] = {}
    terms: list[str] = []
    missing = False
    for word in parsed.words:
        term = term_of(word)
        if term is None:
            missing = True
            if word not in suggestions:
                suggestion = suggest(index, word)
                if suggestion is not None:
                    suggestions[word] = suggestion
        elif term and term not in terms:
            terms.append(term)
    excluded = []
    for word in parsed.excluded:
        term = term_of(word)
        if term and term not in excluded:
            excluded.append(term)

    scores: dict[int, int] = {}  # candidate doc → score
    matched: dict[int, int] = {}  # candidate doc → how many of the required terms it has
    if missing:
        pass  # a required word matches nothing: no candidates
    elif terms:
        for term in terms:
            for doc, score in index.postings(term).items():
                scores[doc] = scores.get(doc, 0) + score
                matched[doc] = matched.get(doc, 0) + 1
    elif chosen:
        scores = dict.fromkeys(index.facet_docs(chosen), 0)
    if scores:
        for term in excluded:
            for doc in index.postings(term):
                scores.pop(doc, None)

    if parsed.phrases:  # a phrase asks for exactly these words
        scores = {doc: score for doc, score in scores.items() if matched.get(doc, 0) == len(terms)}
    for phrase in parsed.phrases:
        if not scores:
            break
        scores = _with_phrase(index, scores, [term_of(word) for word in phrase])

    counts: dict[str, dict[str, int]] = {name: {} for name in FACETS}
    complete = 0
    if scores:
        facets = index.facets()
        kept: dict[int, tuple[int, dict[str, list[str]] | None]] = {}
        for doc, score in scores.items():
            values = facets.values(doc, index.by_ref.get(doc, 0), index.about_ref.get(doc, 0))
            if chosen and (values is None or any(value not in values[name] for name, value in chosen.items())):
                continue
            kept[doc] = (score, values)
        complete = sum(1 for doc in kept if matched.get(doc, 0) == len(terms))
        if complete >= PAGE_SIZE or len(terms) < 2:
            kept = {doc: kept[doc] for doc in kept if matched.get(doc, 0) == len(terms)}
        scores = {doc: score for doc, (score, _) in kept.items()}
        for _, values in kept.values():
            for name, found in (values or {}).items():
                for value in found:
                    counts[name][value] = counts[name].get(value, 0) + 1
    ranked = sorted(scores.items(), key=lambda item: (-matched.get(item[0], 0), -item[1], item[0]))

    page = max(1, page)
    pages = -(-len(ranked) // PAGE_SIZE)
    shown = ranked[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    hits = [Hit(doc, score, index.record(doc)) for doc, score in shown]
    return SearchResult(query=query, total=len(ranked), complete=complete, page=page, pages=pages, hits=hits,
                        suggestions=suggestions, facets=counts, terms=terms, phrases=[" ".join(phrase) for phrase in parsed.phrases],
                        files_read=index.read)


def _with_phrase(index: IndexFiles, scores: dict[int, int], terms: list[str | None]) -> dict[int, int]:
    """The candidates whose text has the phrase's terms at consecutive places ("" is any word)."""
    offsets = [(offset, term) for offset, term in enumerate(terms) if term]
    if not offsets:
        return scores
    places = {term: index.places(term) for _, term in offsets}
    first_offset, first_term = offsets[0]
    kept = {}
    for doc, score in scores.items():
        starts = {place - first_offset for place in places[first_term].get(doc, ())}
        for offset, term in offsets[1:]:
            at = places[term].get(doc, set())
            starts = {start for start in starts if start + offset in at}
        if starts:
            kept[doc] = score
    return kept
