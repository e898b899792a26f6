"""Each recommendation's related recommendations: the same ask made by other states, or to other
states, in any review and cycle — Whoosh's more-like-this over the search index.

The figures a ranking hangs on (doc count, each term's doc frequency and collection weight, the
average length) are those of the index's first tier (`search.tier_ends`): the reviews held first,
a multiple of 256 of them (of 32 while the archive has fewer); of every doc while the archive
has fewer than 32. A review held after them
leaves the figures as they were, so each earlier recommendation's list changes only where the new
review's recommendations rank into it, and the build ranks only those (`Ranking`, kept for the
next build) rather than every list again: 4.6 s at 100,000 recommendations.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass

import numpy
from whoosh.classify import Bo1Model

from .enrich import Archive
from .search import FIELD_BOOSTS
from .search_query import normalize
from .search_scoring import WEIGHTING, Postings, average_length, bm25f_scores, stored_lengths
from .search_stats import Analysis, analyse_archive
from .urls import Urls

SPARE = 20  # candidates kept beyond those _pick may pass over
TOP = 5
NUMTERMS = 5  # key terms of a recommendation's text
BOOST = FIELD_BOOSTS["text"]

Key = tuple[str, str]  # (review URL, recommendation id)


@dataclass(frozen=True)
class Statistics:
    """The collection figures of the docs `0 … count − 1` (the first tier)."""

    count: int
    df: dict[str, int]  # term → how many of the docs have it in "text"
    average: float  # their average "text" length
    in_collection: dict[str, float]  # term → its weight over their texts (Bo1)

    @classmethod
    def of(cls, analysis: Analysis, count: int) -> Statistics:
        postings = analysis.postings["text"]
        inside = numpy.add.reduceat((postings.docs < count).astype(numpy.int64), postings.starts[:-1]) \
            if postings.terms else numpy.zeros(0, dtype=numpy.int64)
        in_collection: dict[str, float] = defaultdict(float)
        for number, (terms, freqs) in analysis.texts.items():
            if number < count:
                for term, freq in zip(terms, freqs):
                    in_collection[term] += freq * BOOST
        return cls(count, {term: n for term, n in zip(postings.terms, inside.tolist()) if n},
                   average_length(analysis.lengths["text"][:count]), dict(in_collection))


@dataclass
class Ranking:
    """What the related lists were ranked from, kept for the next build: the figures (and what
    made them), the reports, each group's key terms, and each list with its scores."""

    figures_key: str  # what the first tier was made from ("": no first tier, every doc counts)
    figures: Statistics
    reports: frozenset[str]  # the report keys of the archive ranked
    texts: dict[Key, str]  # each recommendation's text, normalised (`search_query.normalize`)
    key_terms: dict[str, list[tuple[str, float]]]  # normalised text → its key terms and weights
    lists: dict[Key, list[Key]]
    scores: dict[Key, list[float]]  # each list's scores, in its order


def related_recommendations(archive: Archive, top: int = TOP, urls: Urls | None = None,
                            analysis: Analysis | None = None) -> dict[Key, list[Key]]:
    """(review URL, recommendation id) → the `top` most similar recommendations across all
    reviews and cycles: Whoosh's more-like-this over recommendation texts — key terms by the
    Bo1 model, each weighted by it, docs scored by the weighted sum of their BM25F scores for
    those terms in "text" (what `searcher.more_like` would run, summed here from the postings
    once rather than by a search per recommendation), with the collection figures of the
    index's first tier (the module's notes). Left out: the recommendation itself, those of the
    same review with the same text (normalised as for phrases: case and punctuation aside), and
    any second recommendation of one review with a text already listed."""
    urls = urls or Urls("")  # review URLs are paths: the base URL plays no part
    analysis = analysis or analyse_archive(archive, urls)
    return rank_related(archive, urls, analysis, top=top).lists


def rank_related(archive: Archive, urls: Urls, analysis: Analysis, report_key=None, figures_key: str = "",
                 last: Ranking | None = None, top: int = TOP) -> Ranking:
    """The related lists (`related_recommendations`) and what the next build may rank from.
    With `last`, ranked from the same figures (`figures_key`, not "") over reports of which
    `report_key` finds every one of the last's, only the groups of recommendations the new
    reports join, or start, are ranked over every doc; every other list is its last self
    merged with the new recommendations that rank into it: the same lists, since a list's
    earlier docs keep their scores and their order."""
    docs = analysis.docs
    count = analysis.ends[0] if len(analysis.ends) > 1 else len(docs)
    reports = frozenset(report_key(report) for report in archive.reports) if report_key else frozenset()
    review_of = {id(report): urls.review(report) for report in archive.reports}
    key_of: dict[int, tuple[str, str]] = {}  # doc → (review URL, normalised text)
    named: dict[int, Key] = {}
    groups: dict[str, list[int]] = defaultdict(list)  # normalised text → docs
    new: set[int] = set()  # docs of reports the last ranking did not have
    incremental = bool(last and figures_key and last.figures_key == figures_key and report_key
                       and last.reports <= reports)
    earlier_texts = last.texts if incremental else {}
    texts: dict[Key, str] = {}
    for number, doc in enumerate(docs):
        if doc.rec is not None:
            named[number] = key = (review_of[id(doc.report)], doc.rec.id)
            text = texts[key] = earlier_texts.get(key) or normalize(doc.rec.text)
            key_of[number] = (key[0], text)
            groups[text].append(number)
            if incremental and report_key(doc.report) not in last.reports:
                new.add(number)
    figures = last.figures if incremental else Statistics.of(analysis, count)
    scorer = _Scorer(analysis, figures)
    key_terms = {} if not incremental else last.key_terms
    lists: dict[Key, list[Key]] = {}
    scores: dict[Key, list[float]] = {}

    def rank_whole(members: list[int]) -> None:
        """A group's lists from every doc."""
        terms = key_terms[key_of[members[0]][1]] = scorer.key_terms(members[0])
        for number, picked in _rank(members, terms, scorer, key_of, top).items():
            lists[named[number]] = [named[other] for other, _ in picked]
            scores[named[number]] = [score for _, score in picked]

    if not incremental:
        for members in groups.values():
            rank_whole(members)
        return Ranking(figures_key, figures, reports, texts, key_terms, dict(sorted(lists.items())), scores)

    # the new recommendations' scores for every earlier group's key terms
    number_of = {key: number for number, key in named.items()}
    with_term: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for text, terms in key_terms.items():
        for term, weight in terms:
            with_term[term].append((text, weight))
    found: dict[str, dict[int, float]] = defaultdict(dict)  # group → new doc → score
    for number in sorted(new):
        own = scorer.own_scores(number)
        for text in {text for term in own for text, _ in with_term.get(term, ())}:
            summed = 0.0  # term by term in the group's order, from 0.0, as `_rank` sums them
            for term, weight in key_terms[text]:
                if term in own:
                    summed += weight * own[term]
            found[text][number] = summed
    for text, members in groups.items():
        if any(number in new for number in members) or text not in key_terms:
            rank_whole(members)
            continue
        new_scores = found.get(text, {})
        best_new = max(new_scores.values(), default=None)
        for number in members:
            key = named[number]
            if best_new is None or (len(last.lists[key]) == top and best_new < last.scores[key][-1]):
                # no new doc ranks into the list: every one scores below its last
                lists[key], scores[key] = last.lists[key], last.scores[key]
                continue
            earlier = [(number_of[other], score) for other, score in zip(last.lists[key], last.scores[key])]
            picked = _pick(number, _merged(earlier, new_scores), key_of, top)
            lists[key] = [named[other] for other, _ in picked]
            scores[key] = [score for _, score in picked]
    return Ranking(figures_key, figures, reports, texts, key_terms, dict(sorted(lists.items())), scores)


class _Scorer:
    """BM25F scores in "text" and Bo1 key terms, from `figures`: what Whoosh's searcher gives
    when the collection is the docs the figures were taken from."""

    def __init__(self, analysis: Analysis, figures: Statistics):
        self.analysis, self.figures = analysis, figures
        self.k1, self.b = WEIGHTING.K1, WEIGHTING.B
        self.model = Bo1Model(figures.count, 0)

    def idf(self, term: str) -> float:
        return math.log(self.figures.count / (self.figures.df.get(term, 0) + 1)) + 1

    @functools.cached_property
    def postings(self) -> dict[str, Postings]:
        """Every doc's scores, term by term (made once, when a group is ranked whole)."""
        figures = self.figures
        return bm25f_scores("text", self.analysis.postings["text"], self.analysis.lengths["text"],
                            figures.count, figures.df, figures.average)

    @functools.cached_property
    def lengths(self) -> numpy.ndarray:
        return stored_lengths(self.analysis.lengths["text"])

    def own_scores(self, number: int) -> dict[str, float]:
        """A doc's score for each term of its text."""
        k1, b = self.k1, self.b
        norm = k1 * ((1 - b) + b * int(self.lengths[number]) / self.figures.average)
        terms, freqs = self.analysis.texts[number]
        return {term: self.idf(term) * ((freq * BOOST * (k1 + 1)) / (freq * BOOST + norm)) for term, freq in zip(terms, freqs)}

    def key_terms(self, number: int) -> list[tuple[str, float]]:
        """The doc's NUMTERMS key terms and their weights: what Whoosh's
        `searcher.key_terms_from_text("text", text, numterms, normalize=False)` gives (Bo1 over
        the collection's weight of each term), step for step; a doc beyond the figures' docs
        counts its own weight in, as it would were it one of them."""
        terms, freqs = self.analysis.texts[number]
        weights = [freq * BOOST for freq in freqs]
        total = 0.0
        for weight in weights:
            total += weight
        outside = number >= self.figures.count
        collection = self.figures.in_collection
        scored = [(self.model.score(weight, collection.get(term, 0.0) + (weight if outside else 0.0), total), term)
                  for term, weight in zip(terms, weights)]
        if not scored:
            return []
        best = max(0.0, *(score for score, _ in scored))
        ranked = sorted(((score / best, term) for score, term in scored), key=lambda item: (-item[0], item[1]))
        return [(term, weight) for weight, term in ranked[:NUMTERMS]]


def _rank(members: list[int], terms: list[tuple[str, float]], scorer: _Scorer, key_of: dict[int, tuple[str, str]],
          top: int) -> dict[int, list[tuple[int, float]]]:
    """Each member's list, picked from every doc's summed score for the group's key terms. The
    sum was a Python loop over each key term's postings (tens of thousands of docs for a common
    term), 26 s at 100,000 recommendations; as vectors, the additions are the same, in the same
    order (term by term, from 0.0), so the sums are the same floats."""
    postings = scorer.postings
    count = len(scorer.analysis.docs)
    summed = numpy.zeros(count)
    matched = numpy.zeros(count, dtype=bool)
    for term, weight in terms:
        found = postings.get(term)
        if found is not None:
            numbers = numpy.frombuffer(found.docs, dtype=numpy.intc)
            summed[numbers] += weight * numpy.frombuffer(found.scores, dtype=numpy.float64)
            matched[numbers] = True
    candidates = numpy.flatnonzero(matched)
    values = summed[candidates]
    # the best few are enough unless _pick passes over many (twins, the doc itself): then the
    # whole ranking, so the result is always what a full sort gives
    enough = top + len(members) + SPARE
    ranked = _best(candidates, values, enough)
    lists = {}
    for number in members:
        picked = _pick(number, ranked, key_of, top)
        if len(picked) < top and len(candidates) > enough:
            ranked = _best(candidates, values, len(candidates))
            picked = _pick(number, ranked, key_of, top)
        lists[number] = picked
    return lists


def _merged(earlier: list[tuple[int, float]], new: dict[int, float]) -> list[tuple[int, float]]:
    """A list's last docs and the new docs that score for its key terms, by score, then doc."""
    return sorted([*earlier, *new.items()], key=lambda item: (-item[1], item[0]))


def _best(candidates: numpy.ndarray, scores: numpy.ndarray, count: int) -> list[tuple[int, float]]:
    """The `count` best (doc, score) pairs, best first: by score, then by doc number (what
    sorting by `(-score, doc)` gives)."""
    if len(candidates) > count:
        # all docs scoring at least the count-th best score, ties included, then sorted
        threshold = -numpy.partition(-scores, count - 1)[count - 1]
        kept = scores >= threshold
        candidates, scores = candidates[kept], scores[kept]
    order = numpy.lexsort((candidates, -scores))[:count]
    return list(zip(candidates[order].tolist(), scores[order].tolist()))


def _pick(number: int, ranked: list[tuple[int, float]], key_of: dict[int, tuple[str, str]], top: int
          ) -> list[tuple[int, float]]:
    seen = {key_of[number]}
    picked = []
    for other, score in ranked:
        if other == number or key_of[other] in seen:
            continue
        seen.add(key_of[other])
        picked.append((other, score))
        if len(picked) == top:
            break
    return picked
