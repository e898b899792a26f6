"""Each recommendation's related recommendations: the same ask made by other states, or to other
states, in any review and cycle — Whoosh's more-like-this over the search index."""

from __future__ import annotations

from collections import defaultdict

from .enrich import Archive
from .search import SearchIndex, Scores, build_index, field_scores
from .search_query import normalize
from .urls import Urls


def related_recommendations(archive: Archive, top: int = 5, urls: Urls | None = None,
                            index: SearchIndex | None = None,
                            scores: Scores | None = None,
                            ) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(review URL, recommendation id) → the `top` most similar recommendations across all
    reviews and cycles: Whoosh's more-like-this over recommendation texts — key terms by the
    Bo1 model, each weighted by it, docs scored by the weighted sum of their BM25F scores for
    those terms in "text" (what `searcher.more_like` would run, summed here from the postings
    once rather than by a search per recommendation). Left out: the recommendation itself,
    those of the same review with the same text (normalised as for phrases: case and
    punctuation aside), and any second recommendation of one review with a text already listed."""
    urls = urls or Urls("")  # review URLs are paths: the base URL plays no part
    index = index or build_index(archive, urls)
    scores = scores or field_scores(index)
    text_scores = scores["text"]  # only recommendations have a "text" field
    docs = index.docs
    review_of = {id(report): urls.review(report) for report in archive.reports}
    key_of: dict[int, tuple[str, str]] = {}  # doc → (review URL, normalised text)
    groups: dict[str, list[int]] = defaultdict(list)  # normalised text → docs
    for number, doc in enumerate(docs):
        if doc.rec is not None:
            text = normalize(doc.rec.text)
            key_of[number] = (review_of[id(doc.report)], text)
            groups[text].append(number)

    found: dict[int, list[int]] = {}  # doc → related docs
    with index.searcher() as searcher:
        for members in groups.values():
            source = docs[members[0]].rec.text
            matched: dict[int, float] = defaultdict(float)
            for term, weight in searcher.key_terms_from_text("text", source, numterms=5, normalize=False):
                for doc, score in text_scores.get(term, {}).items():
                    matched[doc] += weight * score
            ranked = sorted(matched.items(), key=lambda item: (-item[1], item[0]))
            for number in members:
                found[number] = _pick(number, ranked, key_of, top)
    return {(key_of[number][0], docs[number].rec.id): [(key_of[other][0], docs[other].rec.id) for other in others]
            for number, others in sorted(found.items())}


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
