"""The search engine over the exported static index: the Python twin of the browser client.

`search_export.py` writes the index as static files under `search/` (`search_format.py` says
what each holds, and reads them); this module answers a query by reading only the files that
query needs, exactly as the browser client does, so the command line and the browser return
the same results (and a benchmark can count the bytes a query fetches from
`SearchResult.files_read`).

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

The files it reads, and what each holds, are in `search_format.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .search_format import IndexFiles, shard_name

# The tokenizer's pattern, for indexing (search.py) and for queries alike.
WORD_PATTERN = r"\w+(?:\.?\w+)*"
WORD = re.compile(WORD_PATTERN)
NON_WORD = re.compile(r"\W+")

FACETS = ("position", "by", "sur", "group", "cycle", "theme", "level")
PAGE_SIZE = 10
MAX_SUGGESTION_DISTANCE = 2


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
