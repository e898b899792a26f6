"""The archive → a Whoosh index, and what Whoosh makes of it: terms, BM25F scores, word places.

Whoosh's analysis and scoring (stemming, stop words, BM25F with field boosts) are the search's:
the build analyses every doc, and the browser finishes Whoosh's BM25F from the raw figures the
index keeps (search_format.py). Two stages use what this module computes: `search_export.py`
writes the static index the browser queries, and `related.py` finds each recommendation's
related ones (more-like-this).
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Any

from whoosh import scoring
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.lang.porter import stem

from .enrich import Archive, held_order
from .model import Paragraph, Recommendation, Report, State
from .pages import review_title
from .search_query import WORD, WORD_PATTERN
from .urls import Urls

# Field boosts. Whoosh multiplies a term's frequency by its field's boost at indexing time, and
# BM25F saturates that weight, so a boost lifts a field without letting it swamp the others:
# - "text", a recommendation's own words (2.0): what a reader searching the archive is after;
# - "names", state names — recommending states and state under review, a state's own doc (1.5):
#   a state's name in a query usually means "by/to/of that state" (a dialogue paragraph does not
#   get its speaker here: it outranked the recommendations to that state);
# - "title", a review's title and symbol, a recommendation's id (1.5): the way in by state and
#   cycle, by UN symbol or by paragraph number;
# - "body", paragraph text (1.0): the long prose of the report, context rather than the ask.
FIELD_BOOSTS = {"text": 2.0, "names": 1.5, "title": 1.5, "body": 1.0}
TEXT_FIELDS = tuple(sorted(FIELD_BOOSTS))
RECOMMENDATION = "recommendation"

# field → term → doc → the BM25F score Whoosh gives that term in that doc and field
Scores = dict[str, dict[str, dict[int, float]]]


def analyzer():
    """Lowercase, stop words (and one-character words), Porter stemming; the tokenizer's pattern
    is given explicitly so the browser's copy of it can be the same (whoosh3's default adds `*`)."""
    return StemmingAnalyzer(expression=WORD_PATTERN)


def index_terms(text: str) -> dict[str, int]:
    """term → its frequency in `text`, in the order first met: what a TEXT field with
    `analyzer()` indexes (`field.index`), step for step — the words the pattern matches,
    lowercased, stop words and one-character words dropped, Porter-stemmed — without Whoosh's
    chain of token generators, which took two thirds of the time of a clean build's search
    stage. `tests/test_search_stats.py` holds the two equal."""
    found: dict[str, int] = {}
    for match in WORD.finditer(text):
        word = match.group(0).lower()
        if len(word) >= 2 and word not in STOP_WORDS:
            term = _stemmed(word)
            found[term] = found.get(term, 0) + 1
    return found


@functools.lru_cache(maxsize=None)
def _stemmed(word: str) -> str:
    return sys.intern(stem(word))


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """One searchable thing: a review, a recommendation, a paragraph or a state. Its record and
    fields are made when asked for, not kept: 100,000 recommendations make 200,000 docs, whose
    records and fields, kept, took some 300 MB through the search stage."""

    kind: str  # "review", RECOMMENDATION, "paragraph", "state"
    urls: Urls
    report: Report | None = None
    rec: Recommendation | None = None
    para: Paragraph | None = None
    state: State | None = None

    @property
    def record(self) -> dict[str, Any]:
        """What the browser shows: {"u", "k", "t", "x", "i", "p", "b", "r", "c"}."""
        urls, report = self.urls, self.report
        if self.state is not None:
            state = self.state
            return _record(urls.state(state), "state", state.name, f"{state.name} · {state.group}")
        title = review_title(report)
        review = report.review
        if self.rec is not None:
            rec = self.rec
            return _record(urls.recommendation(report, rec), RECOMMENDATION, f"{rec.id} · {title}", rec.text,
                           rec.id, rec.position, [state.name for state in rec.recommended_by],
                           review.state_under_review.name, review.cycle)
        if self.para is not None:
            para = self.para
            return _record(urls.paragraph(report, para.number), "paragraph", f"Paragraph {para.number} · {title}",
                           para.text, under_review=review.state_under_review.name, cycle=review.cycle)
        return _record(urls.review(report), "review", title,
                       " · ".join(filter(None, (report.document.title, report.document.symbol or ""))),
                       under_review=review.state_under_review.name, cycle=review.cycle)

    @property
    def fields(self) -> dict[str, str]:
        """What Whoosh indexes, by text field."""
        if self.state is not None:
            return {"names": self.state.name}
        if self.rec is not None:
            names = [state.name for state in self.rec.recommended_by]
            return {"text": self.rec.text, "names": "\n".join([*names, self.report.review.state_under_review.name]),
                    "title": self.rec.id}
        if self.para is not None:
            return {"body": self.para.text}
        return {"title": f"{review_title(self.report)} {self.report.document.symbol or ''}".strip()}

    @property
    def shown_text(self) -> str:
        """The record's text "x", where quoted phrases are looked for."""
        if self.state is not None:
            return f"{self.state.name} · {self.state.group}"
        if self.rec is not None:
            return self.rec.text
        if self.para is not None:
            return self.para.text
        return self.record["x"]


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
    """Every searchable doc, numbered by its place in this list: for each review, in the order
    the reviews were held (`enrich.held_order`), its recommendations, its paragraphs (list
    lead-ins left out: their items are the recommendations) and the review itself; then the
    states by name. A new review, the latest held, comes after every earlier review's docs,
    whose numbers stay as they were, and so do the index's files that hold them (a file costs
    the build that replaces it 0.7 ms: 20,000 files of docs at 100,000 recommendations)."""
    docs = []
    for report in sorted(archive.reports, key=held_order):
        docs += [SearchDoc(RECOMMENDATION, urls, report=report, rec=rec) for rec in report.recommendations]
        lead_ins = {rec.paragraph for rec in report.recommendations}
        docs += [SearchDoc("paragraph", urls, report=report, para=para)
                 for para in report.paragraphs if para.number not in lead_ins]
        docs.append(SearchDoc("review", urls, report=report))
    docs += [SearchDoc("state", urls, state=profile.state) for profile in archive.profiles]
    return docs


# The index keeps its postings and places in tiers of whole reviews (search_format.py), in the
# order held: the first tier holds as many reviews as make a multiple of the first block, the
# next as many more as make a multiple of the second, the last the others and the states. A new
# review, the latest held, changes the last tier's files alone, but for one review in 32, which
# completes a block and makes the tier of 32-blocks again, and one in 256, which makes every
# tier again. With one size of block (32), the first tier was made again once in 32 additions:
# at 100,000 recommendations, 96 % of the index. A query reads a shard of each tier
# for each of its terms.
TIER_BLOCKS = (256, 32)


def tier_ends(docs: list[SearchDoc]) -> list[int]:
    """The doc number each tier of the index ends at (`search_documents`'s numbering)."""
    review_ends = [number + 1 for number, doc in enumerate(docs) if doc.kind == "review"]
    ends: list[int] = []
    for block in TIER_BLOCKS:
        whole = len(review_ends) // block * block
        if whole and review_ends[whole - 1] > (ends[-1] if ends else 0):
            ends.append(review_ends[whole - 1])
    return [*(end for end in ends if end < len(docs)), len(docs)]


def schema() -> Schema:
    ana = analyzer()
    return Schema(kind=ID(stored=True),
                  **{name: TEXT(analyzer=ana, field_boost=boost, phrase=False) for name, boost in FIELD_BOOSTS.items()})


def build_index(archive: Archive, urls: Urls) -> SearchIndex:
    """The Whoosh index of the archive, in memory; doc numbers are places in `search_documents`.
    The build computes the same scores without it (`search_stats.py`); tests and benchmarks
    hold the two side by side."""
    index = RamStorage().create_index(schema())
    docs = search_documents(archive, urls)
    # Whoosh's default 128 MB pool flushes and merges runs: 3.5× slower at 90k docs, and more memory
    writer = index.writer(limitmb=1024)
    for doc in docs:
        writer.add_document(kind=doc.kind, **doc.fields)
    writer.commit()
    return SearchIndex(index, docs, scoring.BM25F())


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


def word_map_of(seen: set[str]) -> dict[str, str]:
    """Every surface word of the indexed text (`seen`) → the term the analyser makes of it (""
    when it drops the word); plus the stop words and one-character words a query may hold, and
    the other inflections of the text's words that the analyser makes into an indexed term."""
    mapping = {word: term_of_word(word) for word in seen | set(STOP_WORDS) | set("abcdefghijklmnopqrstuvwxyz0123456789")}
    for word in sorted(seen):
        if not word.isalpha() or not mapping[word]:
            continue
        for form in sorted(form for form in _word_forms(word) if form not in mapping):
            if term_of_word(form) == mapping[word]:
                mapping[form] = mapping[word]
    return dict(sorted(mapping.items()))


@functools.lru_cache(maxsize=None)
def term_of_word(word: str) -> str:
    """The one term the analyser makes of one word, or "" (it drops the word, or splits it):
    by `index_terms`, which does what the analyser does in a fifth of the time."""
    made = index_terms(word)
    return next(iter(made)) if len(made) == 1 and sum(made.values()) == 1 else ""


def field_scores(index: SearchIndex) -> Scores:
    """What a one-term query on one field scores, for every term of every text field (a query
    on all text fields sums them)."""
    scores: Scores = {}
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
