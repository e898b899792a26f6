"""Each recommendation's related recommendations: the same ask made by other states, or to other
states, in any review and cycle — Whoosh's more-like-this over the search index."""

from __future__ import annotations

from collections import defaultdict

import numpy

from whoosh.classify import Bo1Model

from .enrich import Archive
from .search_query import normalize
from .search import FIELD_BOOSTS
from .search_stats import Analysis, analyse_archive
from .urls import Urls

SPARE = 20  # candidates kept beyond those _pick may pass over


def related_recommendations(archive: Archive, top: int = 5, urls: Urls | None = None,
                            analysis: Analysis | None = None) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(review URL, recommendation id) → the `top` most similar recommendations across all
    reviews and cycles: Whoosh's more-like-this over recommendation texts — key terms by the
    Bo1 model, each weighted by it, docs scored by the weighted sum of their BM25F scores for
    those terms in "text" (what `searcher.more_like` would run, summed here from the postings
    once rather than by a search per recommendation). Left out: the recommendation itself,
    those of the same review with the same text (normalised as for phrases: case and
    punctuation aside), and any second recommendation of one review with a text already listed."""
    urls = urls or Urls("")  # review URLs are paths: the base URL plays no part
    analysis = analysis or analyse_archive(archive, urls)
    text_scores = analysis.scores("text")  # only recommendations have a "text" field
    docs = analysis.docs
    review_of = {id(report): urls.review(report) for report in archive.reports}
    key_of: dict[int, tuple[str, str]] = {}  # doc → (review URL, normalised text)
    groups: dict[str, list[int]] = defaultdict(list)  # normalised text → docs
    for number, doc in enumerate(docs):
        if doc.rec is not None:
            text = normalize(doc.rec.text)
            key_of[number] = (review_of[id(doc.report)], text)
            groups[text].append(number)

    key_terms = _key_term_finder(analysis)

    # Every doc's summed score, and whether any key term matched it, as numpy vectors: the sum
    # was a Python loop over each key term's postings (tens of thousands of docs for a common
    # term), 26 s at 100,000 recommendations. The additions are the same, in the same order
    # (term by term, from 0.0), so the sums are the same floats. On one core, in the search
    # stage's process: forked workers copied what they read of its memory
    # (`search_export._postings_encoder` says what that cost).
    found: dict[int, list[int]] = {}  # doc → related docs
    summed = numpy.zeros(len(docs))
    matched = numpy.zeros(len(docs), dtype=bool)
    for members in groups.values():
        summed[:] = 0.0
        matched[:] = False
        for term, weight in key_terms(members[0]):
            postings = text_scores.get(term)
            if postings is not None:
                numbers = numpy.frombuffer(postings.docs, dtype=numpy.intc)
                summed[numbers] += weight * numpy.frombuffer(postings.scores, dtype=numpy.float64)
                matched[numbers] = True
        candidates = numpy.flatnonzero(matched)
        scores = summed[candidates]
        # the best few are enough unless _pick passes over many (twins, the doc itself):
        # then the whole ranking, so the result is always what a full sort gives
        enough = top + len(members) + SPARE
        ranked = _best(candidates, scores, enough)
        for number in members:
            picked = _pick(number, ranked, key_of, top)
            if len(picked) < top and len(candidates) > enough:
                ranked = _best(candidates, scores, len(candidates))
                picked = _pick(number, ranked, key_of, top)
            found[number] = picked
    # one (review URL, id) per recommendation, shared by its key and the lists it is in: half a
    # million pairs made once each instead of once per mention (some 28 MB at 100,000)
    named = {number: (key_of[number][0], docs[number].rec.id) for number in found}
    return {named[number]: [named[other] for other in others] for number, others in sorted(found.items())}


def _key_term_finder(analysis: Analysis, numterms: int = 5):
    """doc → the `numterms` key terms of its "text" and their weights: what Whoosh's
    `searcher.key_terms_from_text("text", text, numterms, normalize=False)` gives (Bo1 over the
    collection's weight of each term), step for step, from the analysed docs."""
    in_collection: dict[str, float] = defaultdict(float)
    length = 0
    boost = FIELD_BOOSTS["text"]
    for terms, freqs in analysis.texts.values():
        length += sum(freqs)
        for term, freq in zip(terms, freqs):
            in_collection[term] += freq * boost
    model = Bo1Model(len(analysis.docs), length)

    def key_terms(number: int) -> list[tuple[str, float]]:
        terms, freqs = analysis.texts[number]
        weights = [freq * boost for freq in freqs]
        total = 0.0
        for weight in weights:
            total += weight
        scored = [(model.score(weight, in_collection[term], total), term) for term, weight in zip(terms, weights)]
        if not scored:
            return []
        best = max(0.0, *(score for score, _ in scored))
        ranked = sorted(((score / best, term) for score, term in scored), key=lambda item: (-item[0], item[1]))
        return [(term, weight) for weight, term in ranked[:numterms]]

    return key_terms


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


def _pick(number: int, ranked: list[tuple[int, float]], key_of: dict[int, tuple[str, str]], top: int) -> list[int]:
    seen = {key_of[number]}
    picked = []
    for other, _ in ranked:
        if other == number or key_of[other] in seen:
            continue
        seen.add(key_of[other])
        picked.append(other)
        if len(picked) == top:
            break
    return picked
