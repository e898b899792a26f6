"""The analysed archive (`search_stats.py`) → the static search index the browser queries (format 4).

Written as small JSON files under `search/`, sharded so that a query fetches only the shards of
its words and terms, the chunks of the docs it shows, and the facets. The format is written down
in `search_format.py`, which reads the files the way the browser client
(templates/static/search.js) does; the query semantics in `search_query.py`.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy

from .classify.taxonomy import all_themes
from .enrich import Archive
from .errors import BuildError
from .model import ACTION_LEVELS
from .search import TEXT_FIELDS, SearchDoc
from .search_stats import Analysis, ScoreTable, analyse_archive, term_positions
from .search_format import FORMAT_VERSION, shard_name
from .urls import Urls

CHUNK = 10  # docs per docs/ file
PREFIX = 2
SHARD_BYTES = 16_000  # a terms or places shard larger than this is split by a further character


def _dumps(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _gaps(numbers: list[int]) -> list[int]:
    """Sorted numbers as the gaps between them (the first from 0): smaller JSON."""
    return [b - a for a, b in zip([0, *numbers], numbers)]


def _postings_encoder(scores: ScoreTable, by_ref: dict[int, int], about_ref: dict[int, int], count: int
                      ) -> tuple[list[str], Callable[[str], bytes]]:
    """Every term, and what makes a term's postings in JSON: [gap, score, by, about, …] by doc
    number, where score = round(1000 × the doc's score summed over the text fields), by = the
    doc's recommending states and about = its level and themes, each as one number (0 for a doc
    that is not a recommendation).

    The sums are made field by field in TEXT_FIELDS order, from 0.0, so they are the floats a
    query on all fields makes; numpy's rint rounds half to even as `round` does. As vectors: a
    Python loop over the 4.7 million postings was 13.7 of the 20 s that writing the index took,
    profiled, at 100,000 recommendations. Encoded
    here, in the search stage's process, not by forked workers: each worker copied what it read
    of that process's memory, and at 100,000 recommendations the workers of this step and of
    the related lists took the build's peak over 1 GiB (measured in the stage alone: 0.91 GB
    with them, 0.71 GB without; they saved some 9 s)."""
    by = numpy.zeros(count, dtype=numpy.int64)
    about = numpy.zeros(count, dtype=numpy.int64)
    by[list(by_ref)] = list(by_ref.values())
    about[list(about_ref)] = list(about_ref.values())

    def encode(term: str) -> bytes:
        fields = [postings for field in TEXT_FIELDS if (postings := scores[field].get(term)) is not None]
        docs = numpy.unique(numpy.concatenate([numpy.asarray(p.docs, dtype=numpy.int64) for p in fields]))
        summed = numpy.zeros(len(docs))
        for postings in fields:
            summed[numpy.searchsorted(docs, postings.docs)] += postings.scores
        table = numpy.column_stack((numpy.diff(docs, prepend=0), numpy.rint(1000 * summed).astype(numpy.int64),
                                    by[docs], about[docs]))
        return b"[%s]" % ",".join(map(str, table.ravel().tolist())).encode()
    return sorted({term for field in TEXT_FIELDS for term in scores[field]}), encode


def _places_encoder(analysis: Analysis) -> tuple[list[str], Callable[[str], bytes]]:
    """Every term, and what makes its places in JSON: {doc: [place, …]}, docs in number order.
    The places of recommendations and paragraphs come joined from the analysis
    (`Analysis.places`); those of the other docs — the reviews and the states, numbered after
    them (`search.search_documents`) — are found here, from the word map. As lists of ints, the
    places of every word of the archive took some 80 bytes each (40 MB at 10,000
    recommendations); as JSON text they take 5."""
    placed = analysis.placed
    others: dict[str, list[bytes]] = defaultdict(list)
    for number, places in term_positions(analysis, (n for n in range(len(analysis.docs)) if n not in placed)):
        for term, found in places.items():
            others[term].append(b'"%d":[%s]' % (number, ",".join(map(str, found)).encode()))
    own = analysis.places

    def encode(term: str) -> bytes:
        return b"{" + b",".join(filter(None, (own.get(term), b",".join(others.get(term, ()))))) + b"}"
    return sorted({*own, *others}), encode


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


def _joined(by_key: dict[str, bytes]) -> bytes:
    """A JSON object of values already in JSON: the bytes `_dumps` gives for the values
    themselves (each value is encoded once, when it is made, not kept as lists of numbers)."""
    return b"{" + b",".join(_dumps(key) + b":" + by_key[key] for key in sorted(by_key)) + b"}"


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


def _by_refs(docs: list[SearchDoc], states: list[str]) -> tuple[list[list[int]], dict[int, int]]:
    """The recommending states of each recommendation as one number (see search_format.py): the
    sets of two or more states (as numbers in `states`), and doc → its number."""
    place = {iso3: n for n, iso3 in enumerate(states)}
    members_of = {number: tuple(sorted({place[s.iso3] for s in doc.rec.recommended_by}))
                  for number, doc in enumerate(docs) if doc.rec is not None}
    sets = sorted({members for members in members_of.values() if len(members) > 1})
    set_number = {members: n for n, members in enumerate(sets)}
    refs = {number: 0 if not members else members[0] + 1 if len(members) == 1 else len(states) + 1 + set_number[members]
            for number, members in members_of.items()}
    return [list(members) for members in sets], refs


def _themes(docs: list[SearchDoc]) -> list[str]:
    """The theme slugs some recommendation has, in the taxonomy's order."""
    order = {theme.slug: n for n, theme in enumerate(all_themes())}
    used: set[str] = set()
    for doc in docs:
        if doc.rec is None:
            continue
        for slug in doc.rec.themes:
            if slug not in order:
                raise BuildError(f"{doc.report.source}: recommendation {doc.rec.id} has the theme {slug!r}, "
                                 "which classify/themes.yaml does not list")
        used.update(doc.rec.themes)
    return sorted(used, key=order.__getitem__)


def _about_refs(docs: list[SearchDoc], themes: list[str]) -> tuple[list[list[int]], dict[int, int]]:
    """The action level and themes of each recommendation as one number (see search_format.py):
    the distinct combinations [level (0 none), theme number, …], the most frequent first, and
    doc → 1 + its combination's place (0 for none)."""
    place = {slug: n for n, slug in enumerate(themes)}
    about_of = {number: (doc.rec.action_level or 0, *sorted({place[slug] for slug in doc.rec.themes}))
                for number, doc in enumerate(docs) if doc.rec is not None}
    frequency = Counter(about for about in about_of.values() if about != (0,))
    abouts = sorted(frequency, key=lambda about: (-frequency[about], about))
    ref = {about: n for n, about in enumerate(abouts, 1)}
    return [list(about) for about in abouts], {number: ref.get(about, 0) for number, about in about_of.items()}


def export_search_index(archive: Archive, urls: Urls, analysis: Analysis | None = None) -> dict[str, bytes]:
    """The static search index, by path relative to output/; the same archive gives the same
    bytes."""
    files: dict[str, bytes] = {}
    write_search_index(archive, urls, files.__setitem__, analysis)
    return dict(sorted(files.items()))


def write_search_index(archive: Archive, urls: Urls, write: Callable[[str, bytes], Any],
                       analysis: Analysis | None = None) -> list[str]:
    """The static search index, each file given to `write` (path relative to output/, bytes)
    as soon as it is made, so that no more than one folder's files are held at a time.
    Returns the paths written."""
    analysis = analysis or analyse_archive(archive, urls)
    docs = analysis.docs
    registry = {state.iso3: state for doc in docs if doc.rec
                for state in (*doc.rec.recommended_by, doc.report.review.state_under_review)}
    states = sorted(registry)
    state_sets, by_ref = _by_refs(docs, states)
    themes = _themes(docs)
    abouts, about_ref = _about_refs(docs, themes)
    written: list[str] = []

    def put(path: str, data: bytes) -> None:
        write(path, data)
        written.append(path)

    words = analysis.words
    word_shards, _ = _write_shards(put, "words", (words, lambda word: _dumps(words[word])),
                                   float("inf"))  # by two characters, for suggestions
    _, term_split = _write_shards(put, "terms", _postings_encoder(analysis.scores, by_ref, about_ref, len(docs)), SHARD_BYTES)
    _, place_split = _write_shards(put, "places", _places_encoder(analysis), SHARD_BYTES)
    for start in range(0, len(docs), CHUNK):
        put(f"search/docs/{start // CHUNK}.json", _dumps([doc.record for doc in docs[start:start + CHUNK]]))
    for path, data in _facet_files(docs, registry, states, state_sets, by_ref, themes, abouts, about_ref).items():
        put(path, data)
    put("search/meta.json", _dumps({"version": FORMAT_VERSION, "docs": len(docs), "chunk": CHUNK,
                                    "prefix": PREFIX, "words": word_shards,
                                    "split": {"terms": term_split, "places": place_split}}))
    return sorted(written)


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


def _facet_files(docs: list[SearchDoc], registry: dict, states: list[str], state_sets: list[list[int]],
                 by_ref: dict[int, int], themes: list[str], abouts: list[list[int]],
                 about_ref: dict[int, int]) -> dict[str, bytes]:
    """facets.json, and the lists a search by facets alone reads."""
    groups = sorted({registry[iso3].group for iso3 in states})
    names = {theme.slug: theme.name for theme in all_themes()}
    group_number = {group: n for n, group in enumerate(groups)}
    state_number = {iso3: n for n, iso3 in enumerate(states)}
    positions: dict[str, list[int]] = defaultdict(list)
    reviews: list[list[int]] = []  # [gap, count, state under review, cycle] per review's recommendations
    end = 0
    by_state: dict[str, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    by_theme: dict[str, list[int]] = defaultdict(list)
    by_level: dict[int, list[int]] = {level: [] for level in ACTION_LEVELS}  # each level's file, even empty
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
            by_group[group_number[group]].append(number)
        for slug in sorted(set(doc.rec.themes)):
            by_theme[slug].append(number)
        if doc.rec.action_level in by_level:
            by_level[doc.rec.action_level].append(number)

    def with_refs(numbers: list[int]) -> bytes:
        return _dumps([value for gap, doc in zip(_gaps(numbers), numbers)
                       for value in (gap, by_ref[doc], about_ref[doc])])

    files = {"search/facets.json": _dumps({
        "states": [[iso3, registry[iso3].name, group_number[registry[iso3].group]] for iso3 in states],
        "sets": state_sets, "groups": groups, "reviews": reviews,
        "position": {value: _runs(numbers) for value, numbers in sorted(positions.items())},
        "themes": [[slug, names[slug]] for slug in themes],
        "levels": [ACTION_LEVELS[level] for level in sorted(ACTION_LEVELS)], "abouts": abouts})}
    files.update((f"search/facets/by/{iso3}.json", with_refs(numbers)) for iso3, numbers in by_state.items())
    files.update((f"search/facets/group/{group}.json", with_refs(numbers)) for group, numbers in by_group.items())
    files.update((f"search/facets/theme/{slug}.json", with_refs(numbers)) for slug, numbers in by_theme.items())
    files.update((f"search/facets/level/{level}.json", with_refs(numbers)) for level, numbers in by_level.items())
    files["search/facets/all.json"] = with_refs(recs)
    return files
