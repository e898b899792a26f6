"""The analysed archive (`search_stats.py`) → the static search index the browser queries (format 5).

Written as small JSON files under `search/`, sharded so that a query fetches only the shards of
its words and terms, the chunks of the docs it shows, and the facets (`search_facets.py`). The
format is written down in `search_format.py`, which reads the files the way the browser client
(templates/static/search.js) does; the query semantics in `search_query.py`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy

from .enrich import Archive
from .model import Report
from .search import FIELD_BOOSTS, TEXT_FIELDS, SearchDoc, search_documents, tier_ends
from .search_scoring import WEIGHTING, average_length, stored_lengths
from .search_stats import Analysis, analyse_archive, term_positions
from .search_facets import FacetNumbers, facet_files, facet_numbers
from .search_format import FORMAT_VERSION, dumps, shard_name
from .urls import Urls

CHUNK = 10  # docs per docs/ file
PREFIX = 2
SHARD_BYTES = 16_000  # a terms or places shard larger than this is split by a further character


def _postings_encoder(analysis: Analysis, stored: dict[str, numpy.ndarray], first: int, end: int,
                      facets: FacetNumbers) -> tuple[list[str], Callable[[str], bytes]]:
    """The terms of the docs `first` … `end` − 1 (one tier), and what makes a term's postings
    among those docs in JSON: [gap, field, frequency, length, by, about, …] by doc number, then
    field (see search_format.py); `stored` is each field's lengths as Whoosh stores them. As
    vectors, the terms of one first-level shard at a time: a Python loop over the 4.7 million
    postings was 13.7 of the 20 s that writing the index took, profiled, at 100,000
    recommendations, and a whole tier's table at once took the search stage's peak over 1 GiB
    there (1,212 MB, against 867 MB before the tiers). Encoded here, in the
    search stage's process, not by forked workers: each worker copied what it read of that
    process's memory, and at 100,000 recommendations the workers of this step and of the
    related lists took the build's peak over 1 GiB (measured in the stage alone: 0.91 GB with
    them, 0.71 GB without; they saved some 9 s)."""
    fields = [analysis.postings[field] for field in TEXT_FIELDS]
    place = [{term: n for n, term in enumerate(postings.terms)} for postings in fields]
    in_tier: set[str] = set()
    for postings in fields:
        if postings.terms:
            kept = (postings.docs >= first) & (postings.docs < end)
            counts = numpy.add.reduceat(kept.astype(numpy.int32), postings.starts[:-1])
            in_tier.update(term for term, count in zip(postings.terms, counts.tolist()) if count)
    by_shard = _first_shards(in_tier)
    made: dict[str, Any] = {"shard": None}  # the table of one first-level shard's terms at a time

    def make(terms: list[str]) -> tuple[numpy.ndarray, dict[str, tuple[int, int]]]:
        """The rows of `terms` (sorted), by term, doc and field, and where each term's are."""
        columns: list[list[numpy.ndarray]] = [[], [], [], [], []]  # terms, docs, fields, frequencies, lengths
        for number, postings in enumerate(fields):
            local = numpy.array([n for n, term in enumerate(terms) if term in place[number]], dtype=numpy.int32)
            ids = numpy.array([place[number][terms[n]] for n in local.tolist()], dtype=numpy.int64)
            starts, sizes = postings.starts[ids], postings.starts[ids + 1] - postings.starts[ids]
            # each term's slice of the field's postings, one after another
            rows = numpy.arange(int(sizes.sum())) + numpy.repeat(starts - numpy.cumsum(sizes) + sizes, sizes)
            docs = postings.docs[rows]
            kept = (docs >= first) & (docs < end)
            docs = docs[kept]
            for column, values in zip(columns, (numpy.repeat(local, sizes)[kept], docs,
                                                numpy.full(len(docs), number, dtype=numpy.int32),
                                                postings.freqs[rows][kept], stored[TEXT_FIELDS[number]][docs])):
                column.append(values)
        local, docs, numbers, freqs, lengths = (numpy.concatenate(column) for column in columns)
        order = numpy.lexsort((numbers, docs, local))
        local, docs = local[order], docs[order]
        bounds = numpy.searchsorted(local, numpy.arange(len(terms) + 1)).tolist()
        gaps = numpy.diff(docs, prepend=0)
        firsts = [start for start, stop in zip(bounds, bounds[1:]) if stop > start]
        gaps[firsts] = docs[firsts]  # each term's first doc counted from 0
        table = numpy.column_stack((gaps, numbers[order], freqs[order], lengths[order], facets.by_ref[docs],
                                    facets.about_ref[docs]))
        return table, {term: (start, stop) for term, start, stop in zip(terms, bounds, bounds[1:])}

    def encode(term: str) -> bytes:
        shard = shard_name(term, PREFIX)
        if made["shard"] != shard:
            made["shard"] = shard
            made["table"], made["where"] = make(by_shard[shard])
        start, stop = made["where"][term]
        return b"[%s]" % ",".join(map(str, made["table"][start:stop].ravel().tolist())).encode()
    return sorted(in_tier), encode


def _places_encoder(analysis: Analysis, tier: int, first: int, end: int, in_tiers: dict[str, int]
                    ) -> tuple[list[str], Callable[[str], bytes]]:
    """The terms of the docs `first` … `end` − 1 (tier `tier`), and what makes their places in
    JSON: {doc: [place, …]}, docs in number order; every term with postings in the tier has an
    entry, {} when no doc of the tier shows it, so that a client reads a tier's places shard
    only where the words map says the term is. The places of recommendations and paragraphs
    come joined from the analysis (`Analysis.places`); those of the other docs — the reviews
    and the states — are found here. As lists of ints, the places of every word of the archive
    took some 80 bytes each (40 MB at 10,000 recommendations); as JSON text they take 5."""
    placed = analysis.placed
    others: dict[str, list[bytes]] = defaultdict(list)
    for number, places in term_positions(analysis.docs, (n for n in range(first, end) if n not in placed)):
        for term, found in places.items():
            others[term].append(b'"%d":[%s]' % (number, ",".join(map(str, found)).encode()))
    own = analysis.places[tier]

    def encode(term: str) -> bytes:
        return b"{" + b",".join(filter(None, (own.get(term), b",".join(others.get(term, ()))))) + b"}"
    return sorted({*own, *others, *(term for term, tiers in in_tiers.items() if tiers >> tier & 1)}), encode


def _term_tiers(analysis: Analysis) -> dict[str, int]:
    """Each term → the tiers that hold postings of it, as a bit mask (bit t: tier t)."""
    found: dict[str, int] = {}
    for postings in analysis.postings.values():
        if not postings.terms:
            continue
        bits = numpy.left_shift(1, numpy.searchsorted(analysis.ends, postings.docs, side="right"))
        masks = numpy.bitwise_or.reduceat(bits, postings.starts[:-1])
        for term, mask in zip(postings.terms, masks.tolist()):
            found[term] = found.get(term, 0) | mask
    return found


def _joined(by_key: dict[str, bytes]) -> bytes:
    """A JSON object of values already in JSON: the bytes `dumps` gives for the values
    themselves (each value is encoded once, when it is made, not kept as lists of numbers)."""
    return b"{" + b",".join(dumps(key) + b":" + by_key[key] for key in sorted(by_key)) + b"}"


def _split_shards(by_key: dict[str, bytes], limit: float) -> tuple[dict[str, dict[str, bytes]], list[str]]:
    """Keys (with their values in JSON) → shards of at most about `limit` bytes: a shard of the
    first two characters that would be larger is split by the next character, and so on (a key
    no longer than its shard's name stays in that shard). Returns the shards and the names of
    the shards that were split, which a reader needs to find a key's shard
    (`search_format.shard_of`)."""
    sizes = {key: len(key) + len(value) + 4 for key, value in by_key.items()}
    shards: dict[str, dict[str, bytes]] = {}
    split: list[str] = []

    def place(shard: str, keys: list[str]) -> None:
        if limit == float("inf") or sum(sizes[key] for key in keys) <= limit or len(keys) == 1 or shard == "_":
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

    for shard, keys in _first_shards(by_key).items():
        place(shard, keys)
    return shards, sorted(split)


def _first_shards(keys: Iterable[str]) -> dict[str, list[str]]:
    """The keys by the shard of their first PREFIX characters, each shard's in sorted order."""
    first: dict[str, list[str]] = defaultdict(list)
    for key in sorted(keys):
        first[shard_name(key, PREFIX)].append(key)
    return first


def export_search_index(archive: Archive, urls: Urls, analysis: Analysis | None = None) -> dict[str, bytes]:
    """The static search index, by path relative to output/; the same archive gives the same
    bytes."""
    files: dict[str, bytes] = {}
    write_search_index(archive, urls, files.__setitem__, analysis)
    return dict(sorted(files.items()))


@dataclass(frozen=True)
class KnownTiers:
    """What lets the export leave a tier's files as an earlier build wrote them: `report_key`
    gives what a report's docs are made from (its text, its addenda, the code); `reuse(key)`
    takes the files an earlier build wrote for a tier made from `key`, when they are all still
    there, and gives the tier's entry in meta.json as that build made it (else None)."""

    report_key: Callable[[Report], str]
    reuse: Callable[[str], dict[str, Any] | None]


@dataclass(frozen=True)
class IndexPlan:
    """What the index is made of, found before the docs are analysed: the docs, the tiers, the
    numbers the postings carry, and which tiers an earlier build left as they are (their places
    need not be gathered, nor their files made)."""

    docs: list[SearchDoc]  # by doc number (`search.search_documents`)
    ends: list[int]  # where each tier ends (`search.tier_ends`)
    facets: FacetNumbers  # the numbers the postings carry (`search_facets.py`)
    keys: list[str]  # what each tier is made from (`_tier_key`); "" without `KnownTiers`
    reused: dict[int, dict[str, Any]]  # tier → its entry in meta.json, as an earlier build made it


def plan_index(archive: Archive, urls: Urls, known: KnownTiers | None = None) -> IndexPlan:
    docs = search_documents(archive, urls)
    ends = tier_ends(docs)
    facets = facet_numbers(docs)
    keys, reused = [], {}
    for tier, (first, end) in enumerate(zip([0, *ends], ends)):
        keys.append(_tier_key(docs, first, end, facets, urls, known.report_key) if known else "")
        entry = known.reuse(keys[-1]) if known else None
        if entry is not None:
            reused[tier] = entry
    return IndexPlan(docs, ends, facets, keys, reused)


@dataclass(frozen=True)
class MadeTier:
    key: str  # what the tier was made from (`_tier_key`); "" without `KnownTiers`
    meta: dict[str, Any]  # its entry in meta.json
    paths: list[str]  # its files


def write_search_index(archive: Archive, urls: Urls, write: Callable[[str, bytes], Any],
                       analysis: Analysis | None = None, plan: IndexPlan | None = None) -> list[MadeTier]:
    """The static search index, each file given to `write` (path relative to output/, bytes)
    as soon as it is made, so that no more than one folder's files are held at a time; but the
    files of the tiers `plan` says an earlier build left as they are. Returns the tiers made."""
    plan = plan or plan_index(archive, urls)
    analysis = analysis or analyse_archive(archive, urls, docs=plan.docs)
    docs = analysis.docs
    assert len(docs) == len(plan.docs) and analysis.ends == plan.ends
    stored = {field: stored_lengths(lengths) for field, lengths in analysis.lengths.items()}

    words, in_tiers = analysis.words, _term_tiers(analysis)
    word_shards, _ = _write_shards(write, "words", (words, lambda word: dumps([words[word], in_tiers.get(words[word], 0)])),
                                   float("inf"))  # by two characters, for suggestions
    tiers: list[dict[str, Any]] = []
    made: list[MadeTier] = []
    for tier, (first, end) in enumerate(zip([0, *plan.ends], plan.ends)):
        entry = plan.reused.get(tier)
        if entry is None:
            paths: list[str] = []

            def put(path: str, data: bytes) -> None:
                write(path, data)
                paths.append(path)

            _, term_split = _write_shards(put, f"terms/{tier}", _postings_encoder(
                analysis, stored, first, end, plan.facets), SHARD_BYTES)
            _, place_split = _write_shards(put, f"places/{tier}", _places_encoder(analysis, tier, first, end, in_tiers),
                                           SHARD_BYTES)
            for chunk in range(-(-first // CHUNK), end // CHUNK):  # the chunks of docs wholly in the tier
                put(f"search/docs/{chunk}.json", _docs_chunk(docs, chunk))
            entry = {"end": end, "split": {"terms": term_split, "places": place_split}}
            made.append(MadeTier(plan.keys[tier], entry, paths))
        tiers.append(entry)
    for chunk in _chunks_across_tiers(plan.ends):
        write(f"search/docs/{chunk}.json", _docs_chunk(docs, chunk))
    for path, data in facet_files(docs, plan.facets).items():
        write(path, data)
    write("search/meta.json", dumps({
        "version": FORMAT_VERSION, "docs": len(docs), "chunk": CHUNK, "prefix": PREFIX, "words": word_shards,
        "tiers": tiers, "scoring": {"k1": WEIGHTING.K1, "b": WEIGHTING.B, "fields": [
            [field, FIELD_BOOSTS[field], average_length(analysis.lengths[field])] for field in TEXT_FIELDS]}}))
    return made


def _docs_chunk(docs: list[SearchDoc], chunk: int) -> bytes:
    return dumps([doc.record for doc in docs[chunk * CHUNK:(chunk + 1) * CHUNK]])


def _chunks_across_tiers(ends: list[int]) -> list[int]:
    """The chunks of docs that no one tier holds whole: the last of each tier, when it does not
    end at a chunk's end, also holds the next tier's first docs (or is the last chunk)."""
    return sorted({end // CHUNK for end in ends if end % CHUNK})


def _tier_key(docs: list[SearchDoc], first: int, end: int, facets: FacetNumbers, urls: Urls,
              report_key: Callable[[Report], str]) -> str:
    """What a tier's files are made from: its docs' numbers, their reports (or, for the states,
    their records), and the numbers their postings carry for their recommending states and
    their level and themes."""
    digest = hashlib.sha256(b"%d-%d;" % (first, end))
    seen: set[int] = set()
    for doc in docs[first:end]:
        if doc.report is None:
            digest.update(dumps(doc.record))
        elif id(doc.report) not in seen:
            seen.add(id(doc.report))
            digest.update(f"{report_key(doc.report)} {urls.review(doc.report)};".encode())
    digest.update(facets.by_ref[first:end].tobytes() + facets.about_ref[first:end].tobytes())
    return digest.hexdigest()


def _write_shards(put: Callable[[str, bytes], None], folder: str,
                  keys_and_encoder: tuple[Iterable[str], Callable[[str], bytes]],
                  limit: float) -> tuple[list[str], list[str]]:
    """A folder of shards, each given to `put` once joined; returns the shard names and the
    names of the shards that were split (see `_split_shards`). The values are encoded one
    shard of the first characters at a time, and let go once written: made all at once, the
    postings' and the places' JSON were some 130 MB of the search stage's peak at 100,000
    recommendations."""
    keys, encode = keys_and_encoder
    names: list[str] = []
    split: list[str] = []
    for _, members in sorted(_first_shards(keys).items()):
        made, deeper = _split_shards({key: encode(key) for key in members}, limit)
        for shard in sorted(made):
            put(f"search/{folder}/{shard}.json", _joined(made.pop(shard)))
            names.append(shard)
        split += deeper
    return sorted(names), sorted(split)
