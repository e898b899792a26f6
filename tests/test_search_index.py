"""The static search index (format v5) and its query engine, on the seed.

The index is scored as Whoosh scores it (test_search_stats.py holds the two side by side) and exported as JSON shards; `search_query.search` answers from the
shards alone, as the browser client does. These tests hold the export to Whoosh (stemming, the
BM25F scores) and the query engine to the semantics the browser client implements too.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys

import pytest
from whoosh import query as wq

from conftest import ROOT
from site_builder.enrich import build_archive
from site_builder.archive_pages import site_pages
from site_builder.related import related_recommendations
from site_builder.search import TEXT_FIELDS, build_index
from site_builder.search_export import export_search_index
from site_builder.search_format import IndexFiles, shard_of
from site_builder.search_query import search
from site_builder.urls import Urls

REVIEW = "/reviews/kazakhstan/cycle-2/"


@pytest.fixture(scope="module")
def archive(seed):
    return build_archive([seed])


@pytest.fixture(scope="module")
def urls():
    return Urls("https://example.org")


@pytest.fixture(scope="module")
def index(archive, urls):
    return build_index(archive, urls)


@pytest.fixture(scope="module")
def files(archive, urls):
    return export_search_index(archive, urls)


@pytest.fixture(scope="module")
def records(files):
    meta = json.loads(files["search/meta.json"])
    found = []
    for chunk in range(-(-meta["docs"] // meta["chunk"])):
        found += json.loads(files[f"search/docs/{chunk}.json"])
    assert len(found) == meta["docs"]
    return found


def everything(files, query, facets=None):
    """Every result of a query, all pages."""
    first = search(files, query, facets)
    hits = list(first.hits)
    for page in range(2, first.pages + 1):
        hits += search(files, query, facets, page).hits
    assert len(hits) == first.total
    return first, hits


def digest(files: dict[str, bytes]) -> str:
    return hashlib.sha256(b"".join(path.encode() + b"\0" + data + b"\0" for path, data in sorted(files.items()))).hexdigest()


# --- the export -------------------------------------------------------------------------------

def test_the_export_is_deterministic(archive, urls, files):
    assert export_search_index(archive, urls) == files
    assert list(files) == sorted(files)
    # and does not depend on the order Python happens to iterate sets in
    script = ("from site_builder.parse import parse_file\nfrom site_builder.enrich import build_archive\n"
              "from site_builder.urls import Urls\nfrom site_builder.search_export import export_search_index\n"
              "import sys, hashlib\nsys.path.insert(0, 'tests')\nfrom test_search_index import digest\n"
              "files = export_search_index(build_archive([parse_file('content/reports/A-HRC-28-10.txt')]), "
              "Urls('https://example.org'))\nprint(digest(files))")
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert run.stdout.strip() == digest(files)


def test_the_export_has_the_v5_layout(files, records):
    meta = json.loads(files["search/meta.json"])
    assert {k: meta[k] for k in ("version", "chunk", "prefix")} == {"version": 5, "chunk": 10, "prefix": 2}
    assert [tier["end"] for tier in meta["tiers"]] == [meta["docs"]]  # one review: one tier
    assert [field for field, _, _ in meta["scoring"]["fields"]] == list(TEXT_FIELDS)
    assert meta["words"] == sorted(path.split("/")[-1][:-5] for path in files if path.startswith("search/words/"))
    for path, data in files.items():
        assert path.startswith("search/") and path.endswith(".json")
        value = json.loads(data)
        if path.startswith("search/places/0/"):  # as everywhere, but each term's docs in number order
            assert data == b"{" + b",".join(_dumps(term) + b":{" + b",".join(
                _dumps(doc) + b":" + _dumps(value[term][doc]) for doc in sorted(value[term], key=int)) + b"}"
                for term in sorted(value)) + b"}"
        else:
            assert data == _dumps(value)
        shard = path.split("/")[-1][:-5]
        if path.startswith("search/words/"):
            for key in value:
                assert shard == (key[:2] if all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in key[:2]) else "_")
        for folder in ("terms", "places"):
            if path.startswith(f"search/{folder}/"):
                assert path.startswith(f"search/{folder}/0/")
                assert all(shard_of(key, set(meta["tiers"][0]["split"][folder])) == shard for key in value)
        if path.startswith("search/terms/"):
            for flat in value.values():
                assert len(flat) % 6 == 0
                entries = [flat[i:i + 6] for i in range(0, len(flat), 6)]
                assert entries[0][0] >= 0 and all(gap >= 0 for gap, *_ in entries)
                # by doc, then field; each (doc, field) once
                assert all(gap > 0 or field > last for (gap, field, *_), (_, last, *_) in zip(entries[1:], entries))
                assert all(field in range(4) and freq > 0 and length >= freq for _, field, freq, length, _, _ in entries)
                assert all(isinstance(ref, int) and ref >= 0 for *_, by, about in entries for ref in (by, about))
    kinds = [record["k"] for record in records]
    assert kinds == sorted(kinds, key=["recommendation", "paragraph", "review", "state"].index)  # one review
    assert set(records[0]) == {"u", "k", "t", "x", "i", "p", "b", "r", "c"}
    rec = next(r for r in records if r["i"] == "125.8")
    assert rec == {"u": REVIEW + "125.8/", "k": "recommendation", "t": "125.8 · Kazakhstan, cycle 2",
                   "x": "Ratify CRPD", "i": "125.8", "p": "supported", "b": ["Hungary", "Spain"],
                   "r": "Kazakhstan", "c": 2}
    review = next(r for r in records if r["k"] == "review")
    assert review["t"] == "Kazakhstan, cycle 2" and "A/HRC/28/10" in review["x"]
    assert any(r["k"] == "paragraph" and r["t"] == "Paragraph 23 · Kazakhstan, cycle 2" for r in records)
    assert any(r["k"] == "state" and r["t"] == "Hungary" and r["c"] is None for r in records)


def _dumps(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def test_places_are_where_the_shown_text_has_the_term(files, records):
    places = json.loads(files["search/places/0/pe.json"])["penalti"]
    for doc, found in places.items():
        words = re.findall(r"\w+(?:\.?\w+)*", records[int(doc)]["x"].lower())
        assert found == [n for n, word in enumerate(words) if word in ("penalty", "penalties")]


def test_every_doc_links_to_a_page_of_the_site(archive, urls, records, seed):
    pages = {page.url for page in site_pages(archive, urls, {"title": "", "tagline": ""}, [])}
    list_paragraphs = {rec.paragraph for rec in seed.recommendations}
    paragraphs = {p.number for p in seed.paragraphs} - list_paragraphs
    for record in records:
        page, _, anchor = record["u"].partition("#")
        assert page in pages, record
        if record["k"] == "paragraph":
            assert anchor.startswith("para-") and int(anchor[5:]) in paragraphs
        else:
            assert not anchor
    assert sum(r["k"] == "recommendation" for r in records) == len(seed.recommendations)
    assert sum(r["k"] == "paragraph" for r in records) == len(paragraphs)
    assert sum(r["k"] == "state" for r in records) == len(archive.profiles)


def test_the_facets_give_each_recommendation_its_position_states_group_and_cycle(files, records, seed):
    index = IndexFiles(files)
    facets = index.facets()
    all_recs = index.facet_docs({})
    assert all_recs == {n for n, r in enumerate(records) if r["k"] == "recommendation"}
    for doc in range(len(records)):
        values = facets.values(doc, index.by_ref.get(doc, 0))
        record = records[doc]
        if record["k"] != "recommendation":
            assert values is None
            continue
        assert values["position"] == [record["p"]] and values["sur"] == ["KAZ"] and values["cycle"] == ["2"]
        assert sorted(facets.names[iso3] for iso3 in values["by"]) == sorted(set(record["b"]))
    noted = [n for n, r in enumerate(records) if r["k"] == "recommendation" and r["p"] == "noted"]
    assert len(noted) == seed.counts_by_position()["noted"] == 51
    data = json.loads(files["search/facets.json"])
    assert data["position"]["noted"] == [noted[0], 51]  # one run: the noted list is together
    assert data["reviews"] == [[min(all_recs), 194, data["states"].index(["KAZ", "Kazakhstan", data["groups"].index("Asia-Pacific")]), 2]]
    rec = next(n for n, r in enumerate(records) if r["i"] == "125.8")
    assert sorted(facets.by(index.by_ref[rec])) == ["ESP", "HUN"]
    assert facets.values(rec, index.by_ref[rec])["group"] == ["Eastern European", "Western European and others"]
    assert rec in index.facet_docs({"by": "HUN"}) and rec in index.facet_docs({"group": "Eastern European"})
    assert facets.names["SWE"] == "Sweden"


@pytest.fixture(scope="module")
def tiered_files(archive, urls):
    """The seed's index in two tiers (search.tier_ends): the review's docs, then the states."""
    from site_builder import search as search_module
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_module, "TIER_BLOCKS", (1,))
        files = export_search_index(archive, urls)
    assert [tier["end"] for tier in json.loads(files["search/meta.json"])["tiers"]][1:] == [len(files_docs(files))]
    return files


def files_docs(files):
    return [record for path in files if path.startswith("search/docs/") for record in json.loads(files[path])]


@pytest.mark.parametrize("tiers", ["one", "two"])
def test_posting_scores_are_whooshs_own_scores(files, tiered_files, index, tiers):
    """The client's BM25F from the raw figures of every tier (search_format.py) is Whoosh's."""
    files = files if tiers == "one" else tiered_files
    with index.searcher() as searcher:
        for word in ("torture", "journalists", "penalty", "hungary", "crpd", "kazakhstan", "women", "sweden"):
            index_files = IndexFiles(files)
            term = index_files.words(word[:2])[word]
            postings = index_files.postings(term)
            one_term = wq.Or([wq.Term(field, term) for field in TEXT_FIELDS])
            whoosh = {hit.docnum: hit.score for hit in searcher.search(one_term, limit=None)}
            assert postings == {doc: round(1000 * s) for doc, s in whoosh.items()}


def test_an_index_in_tiers_answers_as_one_tier_does(files, tiered_files):
    """Every judged query, phrases, exclusions and filters: the same results, scores and facet
    counts from two tiers as from one; only the files read differ (a shard of each tier)."""
    import yaml
    queries = [entry["query"] for entry in yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text())]
    cases = [(query, {}) for query in queries] + [
        ('"death penalty"', {}), ("hungary", {}), ("kazakhstan women", {"position": "noted"}),
        ('"freedom of expression" -torture', {"position": "supported"}), ("", {"by": "SWE"}), ("sweden", {})]
    for query, facets in cases:
        one, two = search(files, query, facets), search(tiered_files, query, facets)
        assert (one.total, one.hits, one.facets, one.suggestions) == (two.total, two.hits, two.facets, two.suggestions)
    # a word's tiers are exactly the tiers whose terms shard holds its term; their places shards hold it too
    meta = json.loads(tiered_files["search/meta.json"])
    for path in (path for path in tiered_files if path.startswith("search/words/")):
        for word, (term, tiers) in json.loads(tiered_files[path]).items():
            for number, tier in enumerate(meta["tiers"]):
                shards = {folder: json.loads(tiered_files.get(
                    f"search/{folder}/{number}/{shard_of(term, set(tier['split'][folder]))}.json", b"{}"))
                    for folder in ("terms", "places")}
                assert (term in shards["terms"]) == bool(tiers >> number & 1), (word, term, number)
                assert term in shards["places"] or not tiers >> number & 1, (word, term, number)
    assert "search/terms/1/sw.json" in search(tiered_files, "sweden").files_read
    assert search(tiered_files, "sweden").total == search(files, "sweden").total > 1  # in both tiers


def test_tiers_are_runs_of_whole_reviews_by_block():
    """The first tier holds a multiple of 256 reviews, the next a multiple of 32 more, the last
    the others and the states; a block that would be empty, or end with the docs, is no tier."""
    from types import SimpleNamespace
    from site_builder.search import tier_ends

    def docs(reviews, states=3):  # each review: two recommendations, then the review's own doc
        return [SimpleNamespace(kind=kind) for _ in range(reviews) for kind in ("recommendation",) * 2 + ("review",)] \
            + [SimpleNamespace(kind="state")] * states

    assert tier_ends(docs(31)) == [96]
    assert tier_ends(docs(77)) == [64 * 3, 234]
    assert tier_ends(docs(300)) == [256 * 3, 288 * 3, 903]
    assert tier_ends(docs(512)) == [512 * 3, 1539]
    assert tier_ends(docs(64, states=0)) == [192]
    assert tier_ends(docs(0)) == [3]


def test_an_index_in_three_tiers_answers_as_one_tier_does(seed, corpus, urls):
    """Three reviews in three tiers (blocks of 2, then of 1, then the states): the same results,
    scores and facet counts as one tier, for every judged query."""
    import yaml
    from site_builder import search as search_module
    from site_builder.parse import parse_file
    archive = build_archive([seed, *(parse_file(corpus / "reports" / name) for name in ("tonga2008.txt", "sweden2010.txt"))])
    one = export_search_index(archive, urls)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_module, "TIER_BLOCKS", (2, 1))
        three = export_search_index(archive, urls)
    assert len(json.loads(three["search/meta.json"])["tiers"]) == 3
    queries = [entry["query"] for entry in yaml.safe_load((ROOT / "tests" / "search_queries.yaml").read_text())]
    for query, facets in [(query, {}) for query in queries] + [("women", {"position": "noted"}), ("", {"by": "SWE"})]:
        a, b = search(one, query, facets), search(three, query, facets)
        assert (a.total, a.hits, a.facets, a.suggestions) == (b.total, b.hits, b.facets, b.suggestions), query
    read = search(three, "sweden").files_read  # its reports, Kazakhstan's, and the state
    assert [any(path.startswith(f"search/terms/{tier}/") for path in read) for tier in range(3)] == [True] * 3


# --- queries ----------------------------------------------------------------------------------

def test_word_forms_match_through_the_stemmer(files, records):
    # the seed never says "journalist": only "journalists"
    assert not any(re.search(r"\bjournalist\b", r["x"].lower()) for r in records)
    _, hits = everything(files, "journalist")
    assert {"124.27", "124.28", "126.46"} <= {hit.record["i"] for hit in hits}
    assert all("journalist" in hit.record["x"].lower() for hit in hits)
    _, hits = everything(files, "torture")
    assert "124.33" in {hit.record["i"] for hit in hits}  # "… tortured …"
    assert "tortured" in next(h for h in hits if h.record["i"] == "124.33").record["x"]


def test_a_quoted_phrase_matches_only_docs_with_the_phrase(files, records):
    _, hits = everything(files, '"death penalty"')
    with_phrase = {n for n, r in enumerate(records) if re.search(r"\bdeath penalt(y|ies)\b", r["x"].lower())}
    assert {hit.doc for hit in hits} == with_phrase and len(with_phrase) > 10
    assert search(files, "penalty death").total == len(hits)  # the words in any order …
    assert search(files, '"penalty death"').total == 0  # … but a phrase as written
    # a stop word inside a phrase stands for any one word
    _, hits = everything(files, '"abolish the death penalty"')
    assert hits and all(re.search(r"abolish\w* \w+ death penalty", h.record["x"].lower()) for h in hits)
    assert search(files, '"abolish death penalty"').total == 0
    # a phrase's words reach across punctuation, as the tokenizer splits them
    _, hits = everything(files, '"ill-treatment"')
    assert hits and all("ill-treatment" in h.record["x"].lower() for h in hits)


def test_a_recommendation_is_found_by_its_id(files):
    result = search(files, "125.42")
    assert result.total == 1 and result.hits[0].record["i"] == "125.42"


def test_a_minus_word_excludes(files):
    _, hits = everything(files, "death penalty")
    _, without = everything(files, "death penalty -moratorium")
    assert any("moratori" in hit.record["x"].lower() for hit in hits)
    assert {hit.doc for hit in without} == {hit.doc for hit in hits if "moratori" not in hit.record["x"].lower()}


def test_a_misspelt_word_gets_a_suggestion(files):
    result = search(files, "jurnalists")
    assert result.total == 0 and result.suggestions == {"jurnalists": "journalists"}
    assert search(files, "torure").suggestions == {"torure": "torture"}
    assert search(files, "journalists").suggestions == {}
    assert search(files, "the journalists").total == search(files, "journalists").total  # stop word ignored


def test_facets_narrow_and_count(files, records):
    result, hits = everything(files, "", {"position": "noted"})
    assert result.total == 51 and result.facets["position"] == {"noted": 51}
    assert all(hit.record["p"] == "noted" for hit in hits)

    unfiltered, all_hits = everything(files, "death penalty")
    positions = {}
    for hit in all_hits:
        if hit.record["k"] == "recommendation":
            positions[hit.record["p"]] = positions.get(hit.record["p"], 0) + 1
    assert unfiltered.facets["position"] == positions and positions["noted"] >= 1
    assert sum(unfiltered.facets["sur"].values()) == sum(positions.values())

    noted, noted_hits = everything(files, "death penalty", {"position": "noted"})
    assert noted.total == positions["noted"]
    assert [h.doc for h in noted_hits] == [h.doc for h in all_hits if h.record["p"] == "noted"]
    assert noted.facets["position"] == {"noted": positions["noted"]}

    sweden, sweden_hits = everything(files, "", {"by": "SWE", "position": "supported"})
    assert {h.record["i"] for h in sweden_hits} == {"124.26", "125.42"}
    assert sweden.facets["by"]["SWE"] == sweden.total == 2
    assert search(files, "", {"by": "SWE", "position": "noted"}).total == 0


def test_results_are_ranked_and_paged(files):
    result, hits = everything(files, "torture")
    assert result.pages == -(-result.total // 10) and len(result.hits) == 10
    order = [(-hit.score, hit.doc) for hit in hits]
    assert order == sorted(order)
    assert search(files, "torture", page=result.pages + 1).hits == []


def test_recommendation_text_outranks_a_paragraph_that_mentions_the_words_once(files):
    _, hits = everything(files, "journalists")
    recs = [h for h in hits if h.record["k"] == "recommendation"]
    once = [h for h in hits if h.record["k"] == "paragraph" and h.record["x"].lower().count("journalist") == 1]
    assert recs and once
    assert min(h.score for h in recs) > max(h.score for h in once)
    _, hits = everything(files, "death penalty")
    assert hits[0].record["k"] == "recommendation"


def test_a_query_reads_only_its_shards(files, tmp_path):
    result = search(files, "torture")
    assert result.files_read[0] == "search/meta.json"
    assert "search/words/to.json" in result.files_read and "search/terms/0/to.json" in result.files_read
    assert not any(p.startswith("search/places/") for p in result.files_read)  # no phrase
    assert not any(p.startswith("search/words/") and p != "search/words/to.json" for p in result.files_read)
    for path, data in files.items():  # the same from a built output folder
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(data)
    from_folder = search(tmp_path, "torture")
    assert from_folder.hits == result.hits and from_folder.files_read == result.files_read


def test_queries_with_nothing_to_find_are_empty(files):
    for query in ("", "   ", "the", "-torture", '""', "<img src=x onerror=alert(1)>"):
        result = search(files, query)
        assert result.total == 0 and result.hits == [] and result.pages == 0


# --- related recommendations ------------------------------------------------------------------

def test_related_recommendations_are_the_same_ask(archive, seed):
    related = related_recommendations(archive, urls=Urls("https://example.org"))
    assert len(related) == len(seed.recommendations)
    crpd = related[(REVIEW, "125.8")]
    assert len(crpd) == 5 and (REVIEW, "125.8") not in crpd
    texts = {rec.id: rec.text for rec in seed.recommendations}
    for _, rec_id in crpd:
        assert "CRPD" in texts[rec_id] or "Persons with Disabilities" in texts[rec_id]
        assert "ratif" in texts[rec_id].lower()
    # "Abolish the death penalty" is made four times in this review: none of its twins is listed
    abolish = related[(REVIEW, "125.42")]
    twins = {rec.id for rec in seed.recommendations if rec.text == texts["125.42"]}
    assert len(twins) > 1 and not twins & {rec_id for _, rec_id in abolish}
    assert all("death penalty" in texts[rec_id].lower() for _, rec_id in abolish)
    assert related_recommendations(archive) == related


def test_large_shards_are_split_so_a_query_fetches_little():
    from site_builder.search_export import _joined, _split_shards
    from site_builder.search_format import dumps as _dumps
    keys = {f"{a}{b}{c}": list(range(40)) for a in "de" for b in "ae" for c in "abcdefghij"}
    keys |= {"de": [1], "dea": [1, 2], "death": list(range(500)), "déjà": [3]}
    encoded, split = _split_shards({key: _dumps(value) for key, value in keys.items()}, 400)
    shards = {name: json.loads(_joined(shard)) for name, shard in encoded.items()}
    assert all(_joined(shard) == _dumps(shards[name]) for name, shard in encoded.items())
    assert "de" in split
    for key in keys:
        assert key in shards[shard_of(key, set(split))]
    assert sum(len(shard) for shard in shards.values()) == len(keys)
    # each shard is under the limit, unless it holds a single key (or cannot split further)
    for name, shard in shards.items():
        assert len(json.dumps(shard)) <= 400 + 50 or len(shard) == 1 or name in {"_"}
    assert "deat" not in split and shard_of("deathly", set(split)) == "deat"  # a shard of one key is not split


def test_with_few_docs_having_every_word_those_with_some_follow(files):
    result, hits = everything(files, "Rome Statute ratify")
    assert 0 < result.complete < 10 < result.total
    assert all("rome statute" in h.record["x"].lower() and "ratif" in h.record["x"].lower()
               for h in hits[:result.complete])
    assert hits[0].record["i"] == "126.13"  # "Ratify the Rome Statute of the International Criminal Court"
    result, hits = everything(files, "Rome Statute abolish")  # no doc says all three
    assert result.complete == 0 and result.total > 10
    assert hits[0].record["i"] in {"126.13", "126.14", "126.15", "126.16", "126.18", "126.19"}
    # enough docs with every word: only those
    death = search(files, "death penalty")
    assert death.complete == death.total >= 10
    # a phrase asks for exactly its words; so does a single word
    phrase = search(files, '"Rome Statute" abolish')
    assert phrase.total == phrase.complete == 0
    assert search(files, "torture").complete == search(files, "torture").total
