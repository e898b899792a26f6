"""The archive's search docs as Whoosh's analyser sees them, and the BM25F scores Whoosh gives
them, computed without building a Whoosh index.

Profiled at 10,000 recommendations, Whoosh's writer, commit and reading the postings back took
14 of the search stage's 25 s, and at 50,000 they held 0.8 GB; and since the index is one whole,
adding one report re-analysed every report. What the export and the related lists need is only
each doc's term weights and field lengths, and three archive-wide figures (doc count, each term's
doc frequency, each field's total length). So each report's docs are analysed once, by the
schema's own fields (`field.index`, what Whoosh's writer calls), kept in the build cache by what
was analysed, and the scores are summed here with Whoosh's own formulas (`scoring.bm25`, the
idf of `WeightingModel`, the byte-rounded field lengths of its codec): the same floats.
`tests/test_search_index.py` checks them against a real Whoosh index.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import repeat
from dataclasses import dataclass

import numpy
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from .cache import BuildCache
from .enrich import Archive
from .parallel import forked_map
from .search import FIELD_BOOSTS, TEXT_FIELDS, SearchDoc, index_terms, search_documents, term_of_word, word_map_of
from .search_query import words_of
from .urls import Urls


@dataclass(frozen=True)
class AnalysedDoc:
    # text field → (its length in terms, its terms in the order Whoosh meets them, their
    # frequencies): tuples, not dicts, since at 100,000 recommendations there are millions
    fields: dict[str, tuple[int, tuple[str, ...], tuple[int, ...]]]
    # term → the places of its words in the shown text, as JSON ("[3,17]"), for a doc whose
    # shown text is one of its indexed fields (recommendations, paragraphs); else empty, and
    # `term_positions` finds them from the word map
    places: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class Analysis:
    docs: list[SearchDoc]  # by doc number
    texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]]  # recommendation → its "text" terms, frequencies
    words: dict[str, str]  # word → term (`search.word_map_of`)
    scores: ScoreTable
    # term → '"doc":[place, …]' of the docs with places of their own (`AnalysedDoc.places`),
    # comma-joined in doc order; `placed` is those docs
    places: dict[str, bytearray]
    placed: frozenset[int]


def _analyse(docs: list[SearchDoc]) -> tuple[list[AnalysedDoc], tuple[str, ...]]:
    """The docs analysed, and the words of their indexed text (for the word map)."""
    analysed, words = [], set()
    for doc in docs:
        by_field = {}
        for name, text in doc.fields.items():
            made = index_terms(text)
            by_field[name] = (sum(made.values()), tuple(made), tuple(made.values()))
            words.update(words_of(text))
        analysed.append(AnalysedDoc(by_field, _own_places(doc)))
    return analysed, tuple(sorted(words))


def _own_places(doc: SearchDoc) -> tuple[tuple[str, bytes], ...]:
    """The places of each term in the doc's shown text, when that text is one of its indexed
    fields: every word of it is then in the word map as the term the analyser makes of it alone
    (`search.word_map_of`), so the places need no map of the whole archive and are made, and
    kept in the cache, with the report's analysis. Re-reading every text for them at the end
    took 14 s of one core at 100,000 recommendations."""
    shown = doc.shown_text
    if shown not in doc.fields.values():
        return ()
    places: dict[str, list[int]] = {}
    for place, word in enumerate(words_of(shown)):
        term = term_of_word(word)
        if term:
            places.setdefault(term, []).append(place)
    return tuple((term, b"[%s]" % ",".join(map(str, found)).encode()) for term, found in places.items())


def _analysis_key(code: str, docs: list[SearchDoc]) -> str:
    """What a report's analysis is made from: the code and the texts themselves (so nothing
    that changes them — the report, its addenda, the state registry — can leave it stale)."""
    texts = json.dumps([doc.fields for doc in docs], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((code + texts).encode()).hexdigest()


REPORTS_PER_TASK = 8


def analyse_archive(archive: Archive, urls: Urls, code: str = "", cache: BuildCache | None = None) -> Analysis:
    """Every search doc analysed (each report's docs taken from the cache when their texts were
    analysed before, the others on every core), the word map and the BM25F scores.

    The reports' analyses are summed into the postings one report at a time, read back from the
    cache (where the workers put them), and let go of: held all at once they were the largest
    thing in the build's memory (some 350 MB at 100,000 recommendations)."""
    docs = search_documents(archive, urls)
    by_report: dict[int, list[int]] = defaultdict(list)  # report → its doc numbers
    for number, doc in enumerate(docs):
        by_report[id(doc.report) if doc.report is not None else 0].append(number)
    groups = list(by_report.values())
    keys = [_analysis_key(code, [docs[n] for n in members]) for members in groups]
    to_do = [group for group, key in enumerate(keys) if not (cache and cache.has_analysis(key))]
    kept: dict[int, tuple[list[AnalysedDoc], tuple[str, ...]]] = {}  # without a cache to keep them

    def analyse_some(task: int) -> list[tuple[int, tuple[list[AnalysedDoc], tuple[str, ...]] | None]]:
        made = []
        for group in to_do[task * REPORTS_PER_TASK:(task + 1) * REPORTS_PER_TASK]:
            value = _analyse([docs[n] for n in groups[group]])
            if cache:
                cache.store_analysis(keys[group], value)
            made.append((group, None if cache else value))
        return made

    for made in forked_map(analyse_some, -(-len(to_do) // REPORTS_PER_TASK)):
        kept.update((group, value) for group, value in made if value is not None)
    if cache:
        cache.keep_analyses(set(keys))
    totals = _Totals(len(docs))
    words: set[str] = set()
    texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]] = {}
    places: dict[str, bytearray] = {}
    placed: set[int] = set()
    analysed_now = set(to_do)
    for group, members in enumerate(groups):
        found = kept.pop(group, None) or (cache.load_analysis(keys[group], group in analysed_now) if cache else None)
        if found is None:  # the cache lost it since (a damaged file): analysed here
            found = _analyse([docs[n] for n in members])
        analysed, group_words = found
        for number, doc in zip(members, analysed):
            totals.add(number, doc)
            if "text" in doc.fields:
                texts[number] = doc.fields["text"][1:]
            if doc.places:  # recommendations and paragraphs, met here in doc order
                placed.add(number)
                key = b'"%d":' % number
                for term, found in doc.places:
                    if term in places:
                        places[term] += b"," + key + found
                    else:
                        places[term] = bytearray(key + found)
        words.update(group_words)
    return Analysis(docs, texts, word_map_of(words), totals.scores(), places, frozenset(placed))


@dataclass(frozen=True, slots=True, eq=False)
class Postings:
    """One term's scores in one field: doc numbers, ascending, and the score of each. Two arrays
    (numpy views into the field's sorted postings), 12 bytes a posting where a dict took about
    90: there are some 9 million at 100,000 recommendations."""

    docs: numpy.ndarray | array
    scores: numpy.ndarray | array

    def items(self) -> Iterator[tuple[int, float]]:
        return zip(self.docs.tolist(), self.scores.tolist())

    def __len__(self) -> int:
        return len(self.docs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Postings) and list(self.items()) == list(other.items())


NO_POSTINGS = Postings(array("i"), array("d"))
ScoreTable = dict[str, dict[str, Postings]]  # field → term → postings


class _Totals:
    """The postings of every text field, gathered doc by doc (in any order), then sorted by term
    and doc and scored as vectors: a Python loop over each of the 9 million postings took 7 s
    at 100,000 recommendations."""

    def __init__(self, count: int):
        self.count = count
        self.lengths = {field: array("i", bytes(4 * count)) for field in TEXT_FIELDS}  # 0: no such field
        # field → each posting's term, doc and frequency, in the order added
        self.terms: dict[str, list[str]] = {field: [] for field in TEXT_FIELDS}
        self.docs = {field: array("i") for field in TEXT_FIELDS}
        self.freqs = {field: array("i") for field in TEXT_FIELDS}

    def add(self, number: int, doc: AnalysedDoc) -> None:
        for field, (size, terms, freqs) in doc.fields.items():
            self.lengths[field][number] = size
            self.terms[field] += terms
            self.docs[field].extend(repeat(number, len(terms)))
            self.freqs[field].extend(freqs)

    def scores(self, weighting: BM25F = BM25F()) -> ScoreTable:
        """What Whoosh's BM25F gives a one-term query on one field, for every term of every text
        field: the same arithmetic, in the same order, as its `BM25FScorer` (numpy's +, × and ÷
        on float64 are the same IEEE operations as Python's, so the floats are the same)."""
        table: ScoreTable = {}
        k1, b = weighting.K1, weighting.B
        for field in TEXT_FIELDS:
            # Whoosh stores a field's length in one byte; the average is over every doc
            lengths = self.lengths[field]
            average = sum(lengths) / (self.count or 1) or 1
            # `scoring.bm25`'s part that depends on the doc alone, made once per doc
            norms = numpy.array([k1 * ((1 - b) + b * byte_to_length(length_to_byte(length)) / average)
                                 for length in lengths])
            terms = self.terms.pop(field)
            vocabulary = sorted(set(terms))
            number_of = {term: n for n, term in enumerate(vocabulary)}
            ids = numpy.fromiter(map(number_of.__getitem__, terms), dtype=numpy.intc, count=len(terms))
            del terms
            docs = numpy.asarray(self.docs.pop(field), dtype=numpy.intc)
            order = numpy.lexsort((docs, ids))  # by term, then doc
            ids, docs = ids[order], docs[order]
            # Whoosh's weight: frequency × field boost
            weights = numpy.asarray(self.freqs.pop(field), dtype=numpy.intc)[order] * FIELD_BOOSTS[field]
            starts = numpy.searchsorted(ids, numpy.arange(len(vocabulary) + 1)).tolist()
            idf = numpy.array([math.log(self.count / (end - start + 1)) + 1 for start, end in zip(starts, starts[1:])])
            scores = idf[ids] * ((weights * (k1 + 1)) / (weights + norms[docs]))
            table[field] = {term: Postings(docs[start:end], scores[start:end])
                            for term, start, end in zip(vocabulary, starts, starts[1:])}
        return table


def field_scores(analysed: list[AnalysedDoc], weighting: BM25F = BM25F()) -> ScoreTable:
    """The BM25F scores of docs analysed (by doc number), as `analyse_archive` sums them."""
    totals = _Totals(len(analysed))
    for number, doc in enumerate(analysed):
        totals.add(number, doc)
    return totals.scores(weighting)


def term_positions(analysis: Analysis, order: Iterable[int] | None = None
                   ) -> Iterator[tuple[int, dict[str, list[int]]]]:
    """Doc by doc (in `order`, by default by number), term → the places (word numbers, stop
    words counted) where the doc's shown text "x" holds a word with that term: what a quoted
    phrase is checked against. Read again from the text rather than kept from the analysis."""
    mapping = analysis.words
    for number in range(len(analysis.docs)) if order is None else order:
        places: dict[str, list[int]] = {}
        for place, word in enumerate(words_of(analysis.docs[number].shown_text)):
            term = mapping.get(word)
            if term:
                places.setdefault(term, []).append(place)
        yield number, places
