"""The archive → a Whoosh index → a static search index the browser queries.

Whoosh analyses and scores at build time (stemming, stop words, BM25F with field boosts); what
the browser needs of that is exported as small JSON files under `search/`, sharded so that a
query fetches only the shards of its words and terms, the chunks of the docs it shows, and the
facet lists. The format and the query semantics are written down in `search_query.py`, which
reads the files the way the browser client (templates/static/search.js) does. The same index
gives each recommendation page its related recommendations (more-like-this).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from whoosh import scoring
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from .enrich import Archive
from .model import Recommendation, Report
from .pages import review_title
from .search_query import FORMAT_VERSION, WORD_PATTERN, normalize, shard_name, words_of
from .urls import Urls

CHUNK = 10
PREFIX = 2
SHARD_BYTES = 16_000  # a terms or places shard larger than this is split by a further character

# Field boosts. Whoosh multiplies a term's frequency by its field's boost at indexing time, and
# BM25F saturates that weight, so a boost lifts a field without letting it swamp the others:
# - "text", a recommendation's own words (2.0): what a reader searching the archive is after;
# - "names", state names — recommending states, state under review, speaker, a state's own doc
#   (1.5): a state's name in a query usually means "by/to/of that state";
# - "title", a review's title and symbol, a recommendation's id (1.5): the way in by state and
#   cycle, by UN symbol or by paragraph number;
# - "body", paragraph text (1.0): the long prose of the report, context rather than the ask.
FIELD_BOOSTS = {"text": 2.0, "names": 1.5, "title": 1.5, "body": 1.0}
TEXT_FIELDS = tuple(sorted(FIELD_BOOSTS))
RECOMMENDATION = "recommendation"


def analyzer():
    """Lowercase, stop words (and one-character words), Porter stemming; the tokenizer's pattern
    is given explicitly so the browser's copy of it can be the same (whoosh3's default adds `*`)."""
    return StemmingAnalyzer(expression=WORD_PATTERN)


@dataclass
class SearchDoc:
    record: dict[str, Any]  # what the browser shows: {"u", "k", "t", "x", "i", "p", "b", "r", "c"}
    fields: dict[str, str]  # what Whoosh indexes, by text field
    report: Report | None = None
    rec: Recommendation | None = None


@dataclass
class SearchIndex:
    index: Any  # whoosh.index.Index, in memory
    docs: list[SearchDoc]  # by doc number
    weighting: Any  # the scoring model, for searchers of this index

    def searcher(self):
        return self.index.searcher(weighting=self.weighting)


def _record(url: str, kind: str, title: str, text: str, rec_id: str = "", position: str = "",
            by: list[str] | None = None, under_review: str = "", cycle: int | None = None) -> dict:
    return {"u": url, "k": kind, "t": title, "x": text, "i": rec_id, "p": position, "b": by or [],
            "r": under_review, "c": cycle}


def search_documents(archive: Archive, urls: Urls) -> list[SearchDoc]:
    """Every searchable doc, numbered by its place in this list: the reviews in archive order,
    then for each review its recommendations then its paragraphs (list lead-ins left out: their
    items are the recommendations), then the states by name."""
    docs: list[SearchDoc] = []
    for report in archive.reports:
        symbol = report.document.symbol or ""
        title = review_title(report)
        docs.append(SearchDoc(
            _record(urls.review(report), "review", title,
                    " · ".join(filter(None, (report.document.title, symbol))),
                    under_review=report.review.state_under_review.name, cycle=report.review.cycle),
            {"title": f"{title} {symbol}".strip()}, report=report))
    for report in archive.reports:
        review = report.review
        under_review = review.state_under_review
        title = review_title(report)
        for rec in report.recommendations:
            by = [state.name for state in rec.recommended_by]
            docs.append(SearchDoc(
                _record(urls.recommendation(report, rec), RECOMMENDATION, f"{rec.id} · {title}", rec.text,
                        rec.id, rec.position, by, under_review.name, review.cycle),
                {"text": rec.text, "names": "\n".join([*by, under_review.name]), "title": rec.id},
                report=report, rec=rec))
        lead_ins = {rec.paragraph for rec in report.recommendations}
        for para in report.paragraphs:
            if para.number in lead_ins:
                continue
            fields = {"body": para.text}
            docs.append(SearchDoc(
                _record(urls.paragraph(report, para.number), "paragraph", f"Paragraph {para.number} · {title}",
                        para.text, under_review=under_review.name, cycle=review.cycle),
                fields, report=report))
    for profile in archive.profiles:
        state = profile.state
        docs.append(SearchDoc(_record(urls.state(state), "state", state.name, f"{state.name} · {state.group}"),
                              {"names": state.name}))
    return docs


def build_index(archive: Archive, urls: Urls) -> SearchIndex:
    """The Whoosh index of the archive, in memory; doc numbers are places in `search_documents`."""
    ana = analyzer()
    schema = Schema(kind=ID(stored=True),
                    **{name: TEXT(analyzer=ana, field_boost=boost, phrase=False)
                       for name, boost in FIELD_BOOSTS.items()})
    index = RamStorage().create_index(schema)
    docs = search_documents(archive, urls)
    # Whoosh's default 128 MB pool flushes and merges runs: 3.5× slower at 90k docs, and more memory
    writer = index.writer(limitmb=1024)
    for doc in docs:
        writer.add_document(kind=doc.record["k"], **doc.fields)
    writer.commit()
    return SearchIndex(index, docs, scoring.BM25F())


def _dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


# Word forms a query may hold that the text does not: the other inflections of a word the text
# has (singular and plural; a verb's -s, -ed, -ing). Each is kept only when the analyser makes of
# it the same term as the word it comes from, so the map is still exactly what Whoosh does with
# a word, and the browser needs no stemmer of its own. Some forms are not English ("accordanced");
# they cost a few bytes and match what their stem matches.
_SIBILANT = ("s", "x", "z", "ch", "sh")
_VOWELS = "aeiou"


def _plural(word: str) -> str:  # also a verb's third person
    if word.endswith(_SIBILANT):
        return word + "es"
    if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def _past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 2 and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    return word + "ed"


def _gerund(word: str) -> str:
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    return word + "ing"


def _lemmas(word: str) -> set[str]:
    """What `word` may be an inflection of; itself when it looks like none."""
    found: set[str] = set()
    if len(word) < 5:
        return {word}
    if word.endswith("ies") or word.endswith("ied"):
        found.add(word[:-3] + "y")
    elif word.endswith("es") and word[:-2].endswith(_SIBILANT):
        found.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        found.add(word[:-1])
    for ending in ("ed", "ing"):
        if word.endswith(ending):
            base = word[: -len(ending)]
            found |= {base, base + "e"}
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in _VOWELS + "ls":
                found.add(base[:-1])  # committed → commit
    return found or {word}


def _word_forms(word: str) -> set[str]:
    return {form for lemma in _lemmas(word) for form in (lemma, _plural(lemma), _past(lemma), _gerund(lemma))}


def word_map(docs: list[SearchDoc]) -> dict[str, str]:
    """Every surface word of the indexed text → the term the analyser makes of it ("" when it
    drops the word); plus the stop words and one-character words a query may hold, and the
    other inflections of the text's words that the analyser makes into an indexed term."""
    seen: set[str] = set()
    for doc in docs:
        for text in doc.fields.values():
            seen.update(words_of(text))
    term_of = _term_maker()
    mapping = {word: term_of(word) for word in seen | set(STOP_WORDS) | set("abcdefghijklmnopqrstuvwxyz0123456789")}
    for word in sorted(seen):
        if not word.isalpha() or not mapping[word]:
            continue
        for form in sorted(form for form in _word_forms(word) if form not in mapping):
            if term_of(form) == mapping[word]:
                mapping[form] = mapping[word]
    return dict(sorted(mapping.items()))


def _term_maker():
    """word → the one term the analyser makes of it, or "" (cached: the same words recur)."""
    ana = analyzer()

    @functools.cache
    def term_of(word: str) -> str:
        terms = [token.text for token in ana(word)]
        return terms[0] if len(terms) == 1 else ""

    return term_of


def field_scores(index: SearchIndex) -> dict[str, dict[str, dict[int, float]]]:
    """field → term → doc → the BM25F score Whoosh's scorer gives that term in that doc and field
    (what a one-term query on that field scores; a query on all text fields sums them)."""
    scores: dict[str, dict[str, dict[int, float]]] = {}
    with index.searcher() as searcher:
        reader = searcher.reader()
        for fieldname in TEXT_FIELDS:
            by_term = scores[fieldname] = {}
            for term in reader.field_terms(fieldname):
                scorer = searcher.weighting.scorer(searcher, fieldname, term)
                matcher = reader.postings(fieldname, term)
                postings = by_term[term] = {}
                while matcher.is_active():
                    postings[matcher.id()] = scorer.score(matcher)
                    matcher.next()
    return scores


def term_scores(scores: dict[str, dict[str, dict[int, float]]]) -> dict[str, dict[int, float]]:
    """term → doc → its score summed over the text fields."""
    summed: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for fieldname in TEXT_FIELDS:
        for term, postings in scores[fieldname].items():
            for doc, score in postings.items():
                summed[term][doc] += score
    return summed


def term_positions(docs: list[SearchDoc], mapping: dict[str, str]) -> dict[str, dict[int, list[int]]]:
    """term → doc → the places (word numbers, stop words counted) where the doc's shown text
    "x" holds a word with that term: what a quoted phrase is checked against."""
    positions: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for number, doc in enumerate(docs):
        for place, word in enumerate(words_of(doc.record["x"])):
            term = mapping.get(word)
            if term:
                positions[term][number].append(place)
    return positions


def _gaps(numbers: list[int]) -> list[int]:
    """Sorted numbers as the gaps between them (the first from 0): smaller JSON."""
    return [b - a for a, b in zip([0, *numbers], numbers)]


def _postings(scores: dict[int, float], by_ref: dict[int, int]) -> list[int]:
    """doc → score as [gap, score, by, gap, score, by, …] by doc number; score = round(1000 ×
    score), by = the doc's recommending states as one number (0 for a doc that is not a
    recommendation)."""
    numbers = sorted(scores)
    return [value for gap, doc in zip(_gaps(numbers), numbers)
            for value in (gap, round(1000 * scores[doc]), by_ref.get(doc, 0))]


def _runs(numbers: list[int]) -> list[int]:
    """Sorted numbers as runs [gap, length, gap, length, …], each gap from the end of the last
    run (the first from 0): a review's recommendations are one run in its state's list."""
    runs: list[int] = []
    end = 0
    for number in numbers:
        if runs and number == end:
            runs[-1] += 1
        else:
            runs += [number - end, 1]
        end = number + 1
    return runs


def _split_shards(by_key: dict[str, Any], limit: int) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Keys → shards of at most about `limit` bytes: a shard of the first two characters that
    would be larger is split by the next character, and so on (a key no longer than its shard's
    name stays in that shard). Returns the shards and the names of the shards that were split,
    which a reader needs to find a key's shard (`search_query.shard_of`)."""
    sizes = {key: len(key) + len(_dumps(value)) + 4 for key, value in by_key.items()}
    shards: dict[str, dict[str, Any]] = {}
    split: list[str] = []

    def place(shard: str, keys: list[str]) -> None:
        if sum(sizes[key] for key in keys) <= limit or len(keys) == 1 or shard == "_":
            shards[shard] = {key: by_key[key] for key in keys}
            return
        split.append(shard)
        deeper: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            if len(key) == len(shard):
                shards.setdefault(shard, {})[key] = by_key[key]
            else:
                deeper[shard + shard_name(key[len(shard)], 1)].append(key)
        for name, members in deeper.items():
            place(name, members)

    first: dict[str, list[str]] = defaultdict(list)
    for key in sorted(by_key):
        first[shard_name(key, PREFIX)].append(key)
    for shard, keys in first.items():
        place(shard, keys)
    return shards, sorted(split)


def _by_refs(docs: list[SearchDoc]) -> tuple[list[str], list[list[int]], dict[int, int]]:
    """The recommending states of each recommendation as one number (see search_query.py):
    the states (ISO codes, sorted), the sets of two or more, and doc → its number."""
    states = sorted({state.iso3 for doc in docs if doc.rec for state in
                     (*doc.rec.recommended_by, doc.report.review.state_under_review)})
    place = {iso3: n for n, iso3 in enumerate(states)}
    sets = sorted({tuple(sorted({place[s.iso3] for s in doc.rec.recommended_by}))
                   for doc in docs if doc.rec and len({s.iso3 for s in doc.rec.recommended_by}) > 1})
    set_number = {members: n for n, members in enumerate(sets)}
    refs = {}
    for number, doc in enumerate(docs):
        if doc.rec is None:
            continue
        members = tuple(sorted({place[s.iso3] for s in doc.rec.recommended_by}))
        refs[number] = 0 if not members else members[0] + 1 if len(members) == 1 \
            else len(states) + 1 + set_number[members]
    return states, [list(members) for members in sets], refs


def export_search_index(archive: Archive, urls: Urls, index: SearchIndex | None = None,
                        scores: dict[str, dict[str, dict[int, float]]] | None = None) -> dict[str, bytes]:
    """The static search index, by path relative to output/; the same archive gives the same
    bytes."""
    index = index or build_index(archive, urls)
    scores = scores or field_scores(index)
    docs = index.docs
    files: dict[str, bytes] = {}
    states, state_sets, by_ref = _by_refs(docs)

    def write(folder: str, by_key: dict[str, Any], limit: int | None = None) -> list[str]:
        if limit is None:
            shards: dict[str, dict[str, Any]] = defaultdict(dict)
            for key, value in by_key.items():
                shards[shard_name(key, PREFIX)][key] = value
            split: list[str] = []
        else:
            shards, split = _split_shards(by_key, limit)
        for shard, mapping in shards.items():
            files[f"search/{folder}/{shard}.json"] = _dumps(mapping)
        return split if limit is not None else sorted(shards)

    mapping = word_map(docs)
    word_shards = write("words", mapping)
    term_split = write("terms", {term: _postings(postings, by_ref) for term, postings in term_scores(scores).items()},
                       SHARD_BYTES)
    place_split = write("places", {term: {str(doc): places for doc, places in sorted(by_doc.items())}
                                   for term, by_doc in term_positions(docs, mapping).items()}, SHARD_BYTES)

    for start in range(0, len(docs), CHUNK):
        files[f"search/docs/{start // CHUNK}.json"] = _dumps([doc.record for doc in docs[start:start + CHUNK]])

    registry = {state.iso3: state for doc in docs if doc.rec
                for state in (*doc.rec.recommended_by, doc.report.review.state_under_review)}
    groups = sorted({registry[iso3].group for iso3 in states})
    state_number = {iso3: n for n, iso3 in enumerate(states)}
    positions: dict[str, list[int]] = defaultdict(list)
    reviews: list[list[int]] = []  # [gap, count, state under review, cycle] per review's recommendations
    end = 0
    by_state: dict[str, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    recs: list[int] = []
    for number, doc in enumerate(docs):
        if doc.rec is None:
            continue
        recs.append(number)
        positions[doc.rec.position].append(number)
        review = doc.report.review
        row = [state_number[review.state_under_review.iso3], review.cycle or 0]
        if reviews and number == end and reviews[-1][2:] == row:
            reviews[-1][1] += 1
        else:
            reviews.append([number - end, 1, *row])
        end = number + 1
        for iso3 in sorted({s.iso3 for s in doc.rec.recommended_by}):
            by_state[iso3].append(number)
        for group in sorted({s.group for s in doc.rec.recommended_by}):
            by_group[groups.index(group)].append(number)

    def with_refs(numbers: list[int]) -> list[int]:
        return [value for gap, doc in zip(_gaps(numbers), numbers) for value in (gap, by_ref[doc])]

    files["search/facets.json"] = _dumps({
        "states": [[iso3, registry[iso3].name, groups.index(registry[iso3].group)] for iso3 in states],
        "sets": state_sets, "groups": groups, "reviews": reviews,
        "position": {value: _runs(numbers) for value, numbers in sorted(positions.items())}})
    for iso3, numbers in by_state.items():
        files[f"search/facets/by/{iso3}.json"] = _dumps(with_refs(numbers))
    for group, numbers in by_group.items():
        files[f"search/facets/group/{group}.json"] = _dumps(with_refs(numbers))
    files["search/facets/all.json"] = _dumps(with_refs(recs))

    files["search/meta.json"] = _dumps({"version": FORMAT_VERSION, "docs": len(docs), "chunk": CHUNK,
                                        "prefix": PREFIX, "words": word_shards,
                                        "split": {"terms": term_split, "places": place_split}})
    return dict(sorted(files.items()))


def related_recommendations(archive: Archive, top: int = 5, urls: Urls | None = None,
                            index: SearchIndex | None = None,
                            scores: dict[str, dict[str, dict[int, float]]] | None = None,
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
