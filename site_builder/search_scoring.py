"""Whoosh's BM25F scores, from postings gathered without a Whoosh index (search_stats.py): the
same arithmetic, in the same order, as Whoosh's own, so the floats are the same. The index
keeps the raw figures and the browser finishes the scores the same way (search_format.py); the
scores here are what `related.py` ranks by and what the tests compare with a real Whoosh index.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

import numpy
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length, length_to_byte

from .search import FIELD_BOOSTS


@dataclass(frozen=True, slots=True, eq=False)
class FieldPostings:
    """One text field's postings over the whole archive, sorted by term, then doc: term
    `terms[i]`'s are `docs[starts[i]:starts[i + 1]]`, with the frequency of the term in each."""

    terms: list[str]  # sorted
    starts: numpy.ndarray  # len(terms) + 1 places
    docs: numpy.ndarray
    freqs: numpy.ndarray

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldPostings) and self.terms == other.terms and all(
            numpy.array_equal(getattr(self, name), getattr(other, name)) for name in ("starts", "docs", "freqs"))


@dataclass(frozen=True, slots=True, eq=False)
class Postings:
    """One term's scores in one field: doc numbers, ascending, and the score of each. Two arrays
    (numpy views into the field's sorted postings), 12 bytes a posting where a dict took about
    90: there are some 4.7 million at 100,000 recommendations."""

    docs: numpy.ndarray | array
    scores: numpy.ndarray | array

    def items(self) -> Iterator[tuple[int, float]]:
        return zip(self.docs.tolist(), self.scores.tolist())

    def __len__(self) -> int:
        return len(self.docs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Postings) and list(self.items()) == list(other.items())


def stored_lengths(lengths: numpy.ndarray) -> numpy.ndarray:
    """Each doc's length in a field as Whoosh stores it, in one byte: what BM25F reads."""
    return numpy.array([byte_to_length(length_to_byte(length)) for length in lengths.tolist()], dtype=numpy.int32)


def average_length(lengths: numpy.ndarray) -> float:
    """A field's average length over every doc (Whoosh's, from the lengths it was given)."""
    return int(lengths.sum(dtype=numpy.int64)) / (len(lengths) or 1) or 1


WEIGHTING = BM25F()  # Whoosh's default: K1 1.2, B 0.75


def bm25f_scores(field: str, postings: FieldPostings, lengths: numpy.ndarray, count: int | None = None,
                 doc_frequency: dict[str, int] | None = None, average: float | None = None,
                 weighting: BM25F = WEIGHTING) -> dict[str, Postings]:
    """What Whoosh's BM25F gives a one-term query on one field, for every term of the field:
    the same arithmetic, in the same order, as its `BM25FScorer` (numpy's +, × and ÷ on
    float64 are the same IEEE operations as Python's, so the floats are the same). The browser
    does the same from the raw figures the index keeps (search_format.py). The collection's
    figures (doc count, each term's doc frequency, the average length) are those of every doc,
    unless given (`related.Statistics`)."""
    k1, b = weighting.K1, weighting.B
    count = len(lengths) if count is None else count
    average = average_length(lengths) if average is None else average
    # `scoring.bm25`'s part that depends on the doc alone, made once per doc
    norms = k1 * ((1 - b) + b * stored_lengths(lengths) / average)
    starts = postings.starts.tolist()
    frequencies = ([end - start for start, end in zip(starts, starts[1:])] if doc_frequency is None
                   else [doc_frequency.get(term, 0) for term in postings.terms])
    idf = numpy.array([math.log(count / (n + 1)) + 1 for n in frequencies])
    ids = numpy.repeat(numpy.arange(len(postings.terms)), numpy.diff(postings.starts))
    # Whoosh's weight: frequency × field boost
    weights = postings.freqs * FIELD_BOOSTS[field]
    scores = idf[ids] * ((weights * (k1 + 1)) / (weights + norms[postings.docs]))
    return {term: Postings(postings.docs[start:end], scores[start:end])
            for term, start, end in zip(postings.terms, starts, starts[1:])}
