"""The archive's search docs as Whoosh's analyser sees them, gathered into the figures Whoosh's
BM25F scores them by, without building a Whoosh index.

Profiled at 10,000 recommendations, Whoosh's writer, commit and reading the postings back took
14 of the search stage's 25 s, and at 50,000 they held 0.8 GB; and since the index is one whole,
adding one report re-analysed every report. What the export and the related lists need is only
each doc's term weights and field lengths, and three archive-wide figures (doc count, each term's
doc frequency, each field's total length). So each report's docs are analysed once, by the
schema's own fields (`field.index`, what Whoosh's writer calls), kept in the build cache by what
was analysed, and gathered here into each field's postings. The index keeps their raw figures,
and the browser finishes the scores (search_format.py); `search_scoring.py` makes them for the
tests and `related.py` with Whoosh's own formulas (`scoring.bm25`, the idf of `WeightingModel`,
the byte-rounded field lengths of its codec): the same floats. `tests/test_search_stats.py`
checks them against a real Whoosh index.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy

from .cache import BuildCache
from .enrich import Archive
from .parallel import forked_map
from .search import (TEXT_FIELDS, SearchDoc, index_terms, search_documents, term_of_word, tier_ends,
                     word_map_of)
from .search_query import words_of
from .search_scoring import FieldPostings, Postings, bm25f_scores
from .urls import Urls


@dataclass(frozen=True)
class FieldColumns:
    """One text field of a report's docs as the analyser saw it, as columns: each posting's doc
    (its place among the report's docs), term (its place in `vocabulary`) and frequency, doc by
    doc and within a doc in the order Whoosh meets the terms; and each doc's length in terms (0:
    the doc has no such field). A few arrays and the report's distinct terms, where a tuple of
    terms per doc made 4.7 million strings to pickle, load and sum at 100,000
    recommendations."""

    vocabulary: tuple[str, ...]  # sorted
    docs: numpy.ndarray
    terms: numpy.ndarray
    freqs: numpy.ndarray
    lengths: numpy.ndarray


@dataclass(frozen=True)
class ReportAnalysis:
    """A report's search docs analysed: what the build cache keeps of each report."""

    fields: dict[str, FieldColumns]  # every text field
    # doc by doc: term → the places of its words in the shown text, as JSON ("[3,17]"), for a
    # doc whose shown text is one of its indexed fields (recommendations, paragraphs); else
    # empty, and `term_positions` finds them from the word map
    places: tuple[tuple[tuple[str, bytes], ...], ...]
    words: tuple[str, ...]  # the words of the docs' indexed text, for the word map


@dataclass(frozen=True)
class TierSum:
    """The docs of one tier of the index (`search.tier_ends`) analysed and summed: what a build
    whose tier is unchanged gathers in place of each of its reports' analyses. Adding a report at
    100,000 recommendations read back 767 analyses for 2.8 s, where the tiers it leaves as they
    were are two files."""

    first: int
    end: int
    fields: dict[str, FieldColumns]  # the tier's postings, by term; docs counted from `first`
    texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]]  # as `Analysis.texts`, the tier's
    words: frozenset[str]
    report_keys: frozenset[str]  # the analyses summed (`_analysis_key`), which the cache keeps


@dataclass(frozen=True)
class Analysis:
    docs: list[SearchDoc]  # by doc number
    texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]]  # recommendation → its "text" terms, frequencies
    words: dict[str, str]  # word → term (`search.word_map_of`)
    postings: dict[str, FieldPostings]  # every text field's
    lengths: dict[str, numpy.ndarray]  # text field → each doc's length in terms (0: no such field)
    # tier by tier (`search.tier_ends`): term → '"doc":[place, …]' of the docs with places of
    # their own (`ReportAnalysis.places`), comma-joined in doc order; `placed` is those docs
    places: list[dict[str, bytearray]]
    placed: frozenset[int]
    ends: list[int]  # where each tier ends (`search.tier_ends`)

    def scores(self, field: str) -> dict[str, Postings]:
        """What Whoosh's BM25F gives a one-term query on `field`, for each of its terms."""
        return bm25f_scores(field, self.postings[field], self.lengths[field])

    def for_related(self) -> Analysis:
        """What the related lists read (the docs, the recommendations' texts and the "text"
        field) without what only the index's files needed: let go of before the related lists
        are ranked, which is the search stage's peak in memory."""
        return dataclasses.replace(self, postings={"text": self.postings["text"]},
                                   lengths={"text": self.lengths["text"]}, words={}, places=[], placed=frozenset())


def _analyse(docs: list[SearchDoc]) -> ReportAnalysis:
    """A report's docs (or the states') analysed by the schema's fields."""
    columns = {field: ([], [], []) for field in TEXT_FIELDS}  # docs, terms, frequencies
    lengths = {field: numpy.zeros(len(docs), dtype=numpy.int32) for field in TEXT_FIELDS}
    words: set[str] = set()
    for place, doc in enumerate(docs):
        for name, text in doc.fields.items():
            made = index_terms(text)
            lengths[name][place] = sum(made.values())
            in_docs, terms, freqs = columns[name]
            in_docs.extend(repeat(place, len(made)))
            terms += made
            freqs += made.values()
            words.update(words_of(text))
    fields = {}
    for name, (in_docs, terms, freqs) in columns.items():
        vocabulary = tuple(sorted(set(terms)))
        number_of = {term: n for n, term in enumerate(vocabulary)}
        fields[name] = FieldColumns(vocabulary, numpy.array(in_docs, dtype=numpy.int32),
                                    numpy.array([number_of[term] for term in terms], dtype=numpy.int32),
                                    numpy.array(freqs, dtype=numpy.int32), lengths[name])
    return ReportAnalysis(fields, tuple(_own_places(doc) for doc in docs), tuple(sorted(words)))


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


def analyse_archive(archive: Archive, urls: Urls, code: str = "", cache: BuildCache | None = None,
                    docs: list[SearchDoc] | None = None, without_places: Iterable[int] = (),
                    tier_keys: Sequence[str] = ()) -> Analysis:
    """Every search doc (`search.search_documents`, or `docs` when already made) analysed: each
    report's docs taken from the cache when their texts were analysed before, the others on
    every core; the word map; the postings. The places of the tiers `without_places` are not
    gathered (their files are an earlier build's). With `tier_keys` (what each tier is made
    from, `search_export.plan_index`), each of those tiers is gathered from its sum, when the
    cache has it, and each other tier but the last has its sum stored (`TierSum`).

    The reports' analyses are summed into the postings one report at a time, read back from the
    cache (where the workers put them), and let go of: held all at once they were the largest
    thing in the build's memory (some 350 MB at 100,000 recommendations)."""
    docs = docs if docs is not None else search_documents(archive, urls)
    by_report: dict[int, list[int]] = defaultdict(list)  # report → its doc numbers
    for number, doc in enumerate(docs):
        by_report[id(doc.report) if doc.report is not None else 0].append(number)
    groups = list(by_report.values())
    tiers = tier_ends(docs)
    firsts = [0, *tiers[:-1]]
    skipped = set(without_places)
    sum_keys = [_tier_sum_key(key) if key else "" for key in tier_keys] if cache else []
    summed: dict[int, TierSum] = {}
    for tier in sorted(skipped) if len(sum_keys) == len(tiers) else ():
        found = cache.load_analysis(sum_keys[tier]) if sum_keys[tier] else None
        if isinstance(found, TierSum):  # its key covers the tier's docs, their reports and the code
            summed[tier] = found
    tier_of = [bisect.bisect_right(tiers, members[0]) for members in groups]  # a report's docs are all in one tier
    keys = {group: _analysis_key(code, [docs[n] for n in members])
            for group, members in enumerate(groups) if tier_of[group] not in summed}
    to_do = [group for group, key in keys.items() if not (cache and cache.has_analysis(key))]
    kept: dict[int, ReportAnalysis] = {}  # without a cache to keep them

    def analyse_some(task: int) -> list[tuple[int, ReportAnalysis | None]]:
        made = []
        for group in to_do[task * REPORTS_PER_TASK:(task + 1) * REPORTS_PER_TASK]:
            value = _analyse([docs[n] for n in groups[group]])
            if cache:
                cache.store_analysis(keys[group], value)
            made.append((group, None if cache else value))
        return made

    for made in forked_map(analyse_some, -(-len(to_do) // REPORTS_PER_TASK)):
        kept.update((group, value) for group, value in made if value is not None)
    totals = _Totals(len(docs))
    words: list[set[str]] = [set() for _ in tiers]  # tier by tier
    texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]] = {}
    places: list[dict[str, bytearray]] = [{} for _ in tiers]
    placed: set[int] = set()
    analysed_now = set(to_do)
    for tier, found in summed.items():
        totals.add(numpy.arange(found.first, found.end, dtype=numpy.int32), found)
        texts.update(found.texts)
        words[tier].update(found.words)
    for group, members in enumerate(groups):
        if group not in keys:
            continue  # in a summed tier
        found = kept.pop(group, None) or (cache.load_analysis(keys[group], group in analysed_now) if cache else None)
        if not isinstance(found, ReportAnalysis):  # the cache lost it since (a damaged file): analysed here
            found = _analyse([docs[n] for n in members])
        totals.add(numpy.array(members, dtype=numpy.int32), found)
        text = found.fields["text"]
        ends = numpy.searchsorted(text.docs, numpy.arange(len(members) + 1)).tolist()
        for place, number in enumerate(members):
            if docs[number].rec is not None:  # only a recommendation has a "text" field
                in_text = slice(ends[place], ends[place + 1])
                texts[number] = (tuple(map(text.vocabulary.__getitem__, text.terms[in_text].tolist())),
                                 tuple(text.freqs[in_text].tolist()))
        tier = tier_of[group]
        in_tier = places[tier]
        for number, own in zip(members, found.places if tier not in skipped else ()):
            if own:  # recommendations and paragraphs, met here in doc order
                placed.add(number)
                key = b'"%d":' % number
                for term, where in own:
                    if term in in_tier:
                        in_tier[term] += b"," + key + where
                    else:
                        in_tier[term] = bytearray(key + where)
        words[tier].update(found.words)
    postings = totals.postings()
    if cache:
        in_use = set(keys.values())
        for tier, found in summed.items():
            in_use |= found.report_keys | {sum_keys[tier]}
        # every tier but the last, which changes with every review added
        for tier in range(len(tiers) - 1) if len(sum_keys) == len(tiers) else ():
            if sum_keys[tier] and tier not in summed:
                members = {keys[group] for group, of in enumerate(tier_of) if of == tier}
                cache.store_analysis(sum_keys[tier], _tier_sum(postings, totals.lengths, firsts[tier], tiers[tier],
                                                               texts, words[tier], members))
                in_use.add(sum_keys[tier])
        cache.keep_analyses(in_use)
    return Analysis(docs, texts, word_map_of(set().union(*words)), postings, totals.lengths, places,
                    frozenset(placed), tiers)


def _tier_sum_key(tier_key: str) -> str:
    return hashlib.sha256(f"tier sum {tier_key}".encode()).hexdigest()


def _tier_sum(postings: dict[str, FieldPostings], lengths: dict[str, numpy.ndarray], first: int, end: int,
              texts: dict[int, tuple[tuple[str, ...], tuple[int, ...]]], words: set[str],
              report_keys: set[str]) -> TierSum:
    """The tier of docs `first` … `end` − 1, summed, from the whole archive's postings."""
    fields = {}
    for field, found in postings.items():
        terms = numpy.repeat(numpy.arange(len(found.terms), dtype=numpy.int32), numpy.diff(found.starts))
        inside = (found.docs >= first) & (found.docs < end)
        terms = terms[inside]
        used = numpy.unique(terms)
        fields[field] = FieldColumns(tuple(found.terms[n] for n in used.tolist()),
                                     (found.docs[inside] - first).astype(numpy.int32),
                                     numpy.searchsorted(used, terms).astype(numpy.int32),
                                     found.freqs[inside], lengths[field][first:end].copy())
    return TierSum(first, end, fields, {number: text for number, text in texts.items() if first <= number < end},
                   frozenset(words), frozenset(report_keys))


class _Totals:
    """The postings of every text field, gathered report by report (in any order), then sorted
    by term and doc."""

    def __init__(self, count: int):
        self.count = count
        self.lengths = {field: numpy.zeros(count, dtype=numpy.int32) for field in TEXT_FIELDS}  # 0: no such field
        self.number_of: dict[str, int] = {}  # every term met, in any field → a number, in the order met
        # field → the gathered reports' postings: terms (as numbers), docs, frequencies
        self.parts: dict[str, list[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]]] = {
            field: [] for field in TEXT_FIELDS}

    def add(self, numbers: numpy.ndarray, analysis: ReportAnalysis) -> None:
        """A report's postings; `numbers` are its docs' numbers, in the order it analysed them."""
        for field, columns in analysis.fields.items():
            self.lengths[field][numbers] = columns.lengths
            number_of = self.number_of
            ids = numpy.fromiter((number_of.setdefault(term, len(number_of)) for term in columns.vocabulary),
                                 dtype=numpy.int32, count=len(columns.vocabulary))
            self.parts[field].append((ids[columns.terms], numbers[columns.docs], columns.freqs))

    def postings(self) -> dict[str, FieldPostings]:
        """Every field's postings, sorted by term, then doc (as vectors: a Python loop over each
        of the 4.7 million postings took 7 s at 100,000 recommendations)."""
        table: dict[str, FieldPostings] = {}
        ordered = sorted(self.number_of)
        rank = numpy.zeros(len(ordered), dtype=numpy.int32)
        rank[[self.number_of[term] for term in ordered]] = numpy.arange(len(ordered), dtype=numpy.int32)
        empty = numpy.zeros(0, numpy.int32)
        for field in TEXT_FIELDS:
            parts = self.parts.pop(field)
            # terms by their place in sorted order, so that postings sort by term, then doc
            ids = rank[numpy.concatenate([terms for terms, _, _ in parts] or [empty])]
            docs = numpy.concatenate([docs for _, docs, _ in parts] or [empty])
            freqs = numpy.concatenate([freqs for _, _, freqs in parts] or [empty])
            del parts
            order = numpy.lexsort((docs, ids))
            ids = ids[order]
            used = numpy.unique(ids)
            starts = numpy.searchsorted(ids, numpy.append(used, len(ordered)))
            table[field] = FieldPostings([ordered[n] for n in used.tolist()], starts, docs[order], freqs[order])
        return table


def term_positions(docs: list[SearchDoc], numbers: Iterable[int]) -> Iterator[tuple[int, dict[str, list[int]]]]:
    """Doc by doc, term → the places (word numbers, stop words counted) where the doc's shown
    text "x" holds a word with that term: what a quoted phrase is checked against. Each word's
    term is the analyser's (`search.term_of_word`), as for the docs with places of their own
    (`_own_places`), so that a doc's places are made from the doc alone."""
    for number in numbers:
        places: dict[str, list[int]] = {}
        for place, word in enumerate(words_of(docs[number].shown_text)):
            term = term_of_word(word)
            if term:
                places.setdefault(term, []).append(place)
        yield number, places
