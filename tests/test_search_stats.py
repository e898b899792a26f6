"""The search stage computes Whoosh's scores without a Whoosh index, and caches each report's
analysis: held here to a real Whoosh index, and to a build without a cache."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.cache import BuildCache
from site_builder.enrich import build_archive
from site_builder.parse import parse_file
from site_builder.related import related_recommendations
from site_builder.search import build_index, index_terms, schema, search_documents, field_scores as whoosh_field_scores
from site_builder.search_export import export_search_index
from site_builder.search_stats import analyse_archive
from site_builder.urls import Urls

URLS = Urls("https://example.org")


@pytest.fixture(scope="module")
def two_reviews(seed, corpus):
    """Two reviews, so that the archive-wide figures (doc count, doc frequency, average length)
    are not one report's."""
    return build_archive([seed, parse_file(corpus / "reports" / "tonga2008.txt")])


def test_scores_are_whooshs_to_the_last_bit(two_reviews):
    whoosh = whoosh_field_scores(build_index(two_reviews, URLS))
    analysis = analyse_archive(two_reviews, URLS)
    ours = {field: analysis.scores(field) for field in analysis.postings}
    assert set(ours) == set(whoosh)
    for field in whoosh:
        # floats compared exactly: the export rounds them
        assert {term: dict(postings.items()) for term, postings in ours[field].items()} == whoosh[field], field


def whooshs_terms(text: str) -> dict[str, int]:
    return {term.decode(): freq for term, freq, _, _ in schema()["body"].index(text)}


def test_the_terms_are_whooshs_in_every_text_of_the_seed(seed):
    # (the corpus too, when it is here: every doc's every field, in the order Whoosh meets them)
    docs = search_documents(build_archive([seed]), URLS)
    texts = [text for doc in docs for text in doc.fields.values()]
    assert len(texts) > 300
    for text in texts:
        assert list(index_terms(text).items()) == list(whooshs_terms(text).items()), text


def test_the_terms_are_whooshs_in_every_text_of_the_corpus(corpus):
    reports = [parse_file(path) for path in sorted((corpus / "reports").glob("*.txt"))]
    for doc in search_documents(build_archive(reports), URLS):
        for text in doc.fields.values():
            assert list(index_terms(text).items()) == list(whooshs_terms(text).items()), text


# Words whose case, length or stem is where a shortcut would slip: a capital whose lowercase is
# two characters (İ), one-letter words, stop words in capitals, dotted numbers, digits, ß, _.
AWKWARD = st.sampled_from(["İstanbul", "I", "A", "THE", "The", "1.2.3", "125.42", "Straße", "x_y", "ǅ",
                           "ratified", "ratify", "Ratifying", "women's", "e.g.", "1Ð4", "ﬁnance", "Σ"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(AWKWARD, st.text(min_size=1, max_size=12)), max_size=30).map(" ".join))
def test_the_terms_are_whooshs_in_any_text(text):
    assert list(index_terms(text).items()) == list(whooshs_terms(text).items())


def whoosh_related(archive, top=5):
    """The related lists as they were made through Whoosh's searcher: its key terms
    (`key_terms_from_text`, Bo1) and its BM25F postings."""
    from site_builder.related import _pick
    from site_builder.search_query import normalize
    index = build_index(archive, URLS)
    text_scores = whoosh_field_scores(index)["text"]
    review_of = {id(report): URLS.review(report) for report in archive.reports}
    key_of, groups = {}, defaultdict(list)
    for number, doc in enumerate(index.docs):
        if doc.rec is not None:
            key_of[number] = (review_of[id(doc.report)], normalize(doc.rec.text))
            groups[key_of[number][1]].append(number)
    found = {}
    with index.searcher() as searcher:
        for members in groups.values():
            matched = defaultdict(float)
            for term, weight in searcher.key_terms_from_text("text", index.docs[members[0]].rec.text, numterms=5,
                                                              normalize=False):
                for doc, score in text_scores.get(term, {}).items():
                    matched[doc] += weight * score
            ranked = sorted(matched.items(), key=lambda item: (-item[1], item[0]))
            for number in members:
                found[number] = _pick(number, ranked, key_of, top)
    return {(key_of[n][0], index.docs[n].rec.id): [(key_of[o][0], index.docs[o].rec.id) for o, _ in others]
            for n, others in sorted(found.items())}


def test_related_lists_are_whooshs_more_like_this(two_reviews):
    assert related_recommendations(two_reviews, urls=URLS) == whoosh_related(two_reviews)


def test_adding_a_report_analyses_that_report_alone(seed, corpus, tmp_path, monkeypatch):
    from site_builder import search_stats
    analysed = []
    analyse = search_stats._analyse
    monkeypatch.setattr(search_stats, "_analyse", lambda docs: analysed.append(len(docs)) or analyse(docs))
    cache = BuildCache(tmp_path / "cache")
    tonga = parse_file(corpus / "reports" / "tonga2008.txt")
    analyse_archive(build_archive([seed]), URLS, "code", cache)
    analysed.clear()
    archive = build_archive([seed, tonga])
    analyse_archive(archive, URLS, "code", cache)
    docs = search_documents(archive, URLS)
    tonga_docs = sum(doc.report is not None and doc.report.source == tonga.source for doc in docs)
    states = sum(doc.report is None for doc in docs)
    assert analysed == [tonga_docs, states]  # the seed's analysis was read; the states' list changed


def test_the_cached_analysis_gives_the_files_of_an_uncached_one(seed, corpus, tmp_path):
    """Adding, editing and removing a report: each time the files and related lists made with
    the analyses of the last builds are those made from nothing, and the cache keeps only the
    reports of the archive."""
    cache = BuildCache(tmp_path / "cache")
    tonga = parse_file(corpus / "reports" / "tonga2008.txt")
    first = tonga.recommendations[0]
    edited = dataclasses.replace(tonga, recommendations=(
        dataclasses.replace(first, text=first.text + " Abolish the death penalty."), *tonga.recommendations[1:]))
    for reports in ([seed], [seed, tonga], [seed, edited], [seed]):
        archive = build_archive(reports)
        cached = analyse_archive(archive, URLS, "code", cache)
        fresh = analyse_archive(archive, URLS)
        assert cached.postings == fresh.postings and cached.words == fresh.words
        assert all(numpy.array_equal(cached.lengths[field], fresh.lengths[field]) for field in fresh.lengths)
        assert export_search_index(archive, URLS, cached) == export_search_index(archive, URLS, fresh)
        assert related_recommendations(archive, urls=URLS, analysis=cached) == related_recommendations(archive, urls=URLS)
        assert len(list((tmp_path / "cache" / "search").glob("*.pickle"))) == len(reports) + 1  # + the states
    for path in (tmp_path / "cache" / "search").glob("*.pickle"):
        path.write_bytes(b"not a pickle")  # a broken cache file is made again, never trusted
    archive = build_archive([seed, tonga])
    assert export_search_index(archive, URLS, analyse_archive(archive, URLS, "code", cache)) == \
        export_search_index(archive, URLS)


def test_a_tier_left_as_it_was_is_gathered_from_its_sum(seed, corpus, tmp_path, monkeypatch):
    """The tiers an earlier build made (`without_places`) come from their sums (`TierSum`), one
    file each, not from their reports' analyses: the same postings, lengths, texts and words as
    gathering every report, and the same files and related lists. A review added after them is
    read as before; the cache keeps the analyses the sums were made from."""
    from site_builder import search, search_stats
    from site_builder.search_export import KnownTiers, plan_index, write_search_index
    monkeypatch.setattr(search, "TIER_BLOCKS", (2,))
    cache = BuildCache(tmp_path / "cache")
    reports = [seed, *(parse_file(corpus / "reports" / name) for name in ("tonga2008.txt", "canada2009.txt", "sweden2010.txt"))]
    iran = parse_file(corpus / "reports" / "iran2014.txt")
    tier_of: dict[str, tuple] = {}  # tier key → its entry, as a build's cache would keep it

    def analysed(archive):
        plan = plan_index(archive, URLS, KnownTiers(lambda report: f"code {report.source}", tier_of.get))
        analysis = analyse_archive(archive, URLS, "code", cache, plan.docs, plan.reused, plan.keys)
        files = {}
        for tier in write_search_index(archive, URLS, files.__setitem__, analysis, plan):
            tier_of[tier.key] = tier.meta
        return plan, analysis

    analysed(build_archive(reports))  # tiers: the four reviews; the states
    assert len(list((tmp_path / "cache" / "search").glob("*.pickle"))) == 6  # 4 reports, the states, a sum
    read = []
    load = cache.load_analysis
    monkeypatch.setattr(cache, "load_analysis", lambda key, *rest: read.append(key) or load(key, *rest))
    archive = build_archive([*reports, iran])
    plan, cached = analysed(archive)
    assert plan.reused.keys() == {0}
    assert len(read) == 1 + 2  # the sum, then Iran and the states
    assert isinstance(load(read[0]), search_stats.TierSum)
    fresh = analyse_archive(archive, URLS)
    assert cached.postings == fresh.postings and cached.words == fresh.words and cached.texts == fresh.texts
    assert all(numpy.array_equal(cached.lengths[field], fresh.lengths[field]) for field in fresh.lengths)
    assert cached.places[1] == fresh.places[1] and not cached.places[0]
    assert related_recommendations(archive, urls=URLS, analysis=cached) == related_recommendations(archive, urls=URLS)
    assert len(list((tmp_path / "cache" / "search").glob("*.pickle"))) == 7  # Iran's too


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.integers(0, 80), st.sampled_from([0.25, 0.5, 1.0, 1.5, 3.0]), max_size=60),
       st.integers(1, 70))
def test_the_best_candidates_are_a_full_sort_cut_short(scored, count):
    """`related._best` (numpy's partition, then a sort of what passes): the same pairs, in the
    same order, as sorting every (doc, score) by score, then doc — ties at the cut included."""
    import numpy
    from site_builder.related import _best
    docs = sorted(scored)  # as numpy.flatnonzero gives them
    candidates = numpy.array(docs, dtype=numpy.intp)
    scores = numpy.array([scored[doc] for doc in docs], dtype=numpy.float64)
    expected = sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:count]
    assert _best(candidates, scores, count) == expected


def test_related_lists_ranked_from_the_last_ones_are_those_ranked_from_nothing(seed, corpus, monkeypatch):
    """A review held after the first tier's (search.tier_ends) leaves the figures the lists are
    ranked by as they were: the build ranks whole only the groups the new review joins or starts,
    and merges its recommendations into the others' last lists — the same lists and scores as
    ranking every list again. A change to the first tier ranks everything again."""
    from site_builder import related, search
    from site_builder.search_export import KnownTiers, plan_index
    monkeypatch.setattr(search, "TIER_BLOCKS", (2,))
    ranked_whole = []
    rank = related._rank
    monkeypatch.setattr(related, "_rank", lambda members, *rest: ranked_whole.append(members) or rank(members, *rest))
    reports = {name: parse_file(corpus / "reports" / name) for name in
               ("tonga2008.txt", "canada2009.txt", "sweden2010.txt", "iran2014.txt", "kazakhstan2010.txt")}

    def ranked(names, last=None):
        archive = build_archive([seed, *(reports[name] for name in names)])
        analysis = analyse_archive(archive, URLS)
        key = lambda report: report.source  # noqa: E731 (the reports do not change here)
        figures = plan_index(archive, URLS, KnownTiers(key, lambda _: None)).keys[0] if len(analysis.ends) > 1 else ""
        return related.rank_related(archive, URLS, analysis, key, figures, last), archive

    first, _ = ranked(["tonga2008.txt", "canada2009.txt", "sweden2010.txt"])  # four reviews: a first tier
    ranked_whole.clear()
    incremental, archive = ranked(["tonga2008.txt", "canada2009.txt", "sweden2010.txt", "iran2014.txt"], first)
    iran = sum(1 for report in archive.reports if report.source == reports["iran2014.txt"].source
               for _ in report.recommendations)
    assert 0 < sum(map(len, ranked_whole)) <= iran + 20  # Iran's groups (and the few earlier twins they join)
    whole, _ = ranked(["tonga2008.txt", "canada2009.txt", "sweden2010.txt", "iran2014.txt"])
    assert (incremental.lists, incremental.scores) == (whole.lists, whole.scores)
    assert any(key[0].startswith("/reviews/iran") for lists in incremental.lists.values() for key in lists)
    # Kazakhstan's 2010 review was held before Sweden's: the first tier changes, all is ranked again
    ranked_whole.clear()
    again, _ = ranked(["tonga2008.txt", "canada2009.txt", "sweden2010.txt", "iran2014.txt", "kazakhstan2010.txt"],
                      incremental)
    assert sum(map(len, ranked_whole)) == len(again.lists)
    fresh, _ = ranked(["tonga2008.txt", "canada2009.txt", "sweden2010.txt", "iran2014.txt", "kazakhstan2010.txt"])
    assert (again.lists, again.scores) == (fresh.lists, fresh.scores)
