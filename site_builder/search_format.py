"""The static search index's files (format v5): what each holds, and their reader.

`search_export.py` writes them under `search/`; `search_query.py` answers a query by reading,
through `IndexFiles`, only the files that query needs, as the browser client
(templates/static/search.js) does.

Paths are relative to output/; files are JSON with sorted keys, no spaces, UTF-8.
`{p}` is a word's first two characters when they are [a-z0-9], else `_`; a terms or places
shard is named the same way, then one more character (a character outside [a-z0-9] as `_`)
for as long as that name is listed in its tier's "split" and the term is longer (`shard_of`).

Docs are numbered review by review, in the order the reviews were held, then the states
(`search.search_documents`). The postings and places are kept in tiers, each a run of docs
(`search.tier_ends`): the first tier holds the reviews held first (blocks of 256, then of 32),
the last the others and the states, so a new review changes the last tier's files alone. A
term has a shard in each tier it occurs in.

- `search/meta.json`: {"version": 5, "docs": N, "chunk": C, "prefix": 2, "words": [shard, …],
  "tiers": [{"end": doc, "split": {"terms": [shard, …], "places": [shard, …]}}, …] — each tier
  holds the docs from the previous tier's end (0 for the first) to its own —, "scoring": {"k1":
  K1, "b": B, "fields": [[name, boost, average length], …]}}.
- `search/words/{p}.json`: {word: [term, tiers]}: the term the analyser makes of the word ("" for
  a word it drops), and the tiers that hold postings of that term, as a bit mask (bit t: tier
  t; 0 for none). A client reads a term's shards in those tiers only; each of them has the
  term in its terms shard and in its places shard.
- `search/terms/{tier}/{shard}.json`: {term: [gap, field, freq, length, by, about, …]} — one
  entry per doc and field of the tier that has the term, by doc number, then field; the doc
  as a gap from the previous entry's (0 for the same doc's next field; the first from 0); field
  = the number of the field in "scoring"; freq = how often the term occurs in that field of the
  doc; length = the doc's length in that field, in terms, as Whoosh stores it (in one byte,
  so rounded); by = the doc's recommending states as one number: 0 none (or not a
  recommendation), else sets[by − 1]; about = the doc's action level and themes as one number: 0 neither (or not a
  recommendation), else abouts[about − 1].
  The score of a doc for a term is round(1000 × its BM25F score), half to even, summed over
  its entries in field order from 0.0, each idf × (w × (K1 + 1)) / (w + K1 × ((1 − B) + B ×
  length / average length)), with w = freq × boost and idf = ln(N / (df + 1)) + 1, df being how
  many docs have the term in that field, over every tier: Whoosh's BM25F, step for step.
  The figures are the raw ones, not the scores, so that the files of the first tier do not
  change when a review adds docs and changes N, df and the averages.
  Carrying by and about lets a query count every facet over its results from facets.json
  alone, whichever docs they are.
- `search/places/{tier}/{shard}.json`: {term: {doc: [place, …]}}, each term's docs in number
  order (not sorted as text) — read only for phrases.
- `search/docs/{n}.json`: the records of docs C·n … C·n + C − 1, in doc order, each
  {"u": URL, "k": kind, "t": title, "x": text, "i": recommendation id, "p": position,
   "b": [recommending states], "r": state under review, "c": cycle}.
- `search/facets.json`: {"states": [[iso3, name, group number], …], "groups": [name, …],
  "sets": [[state number, …], …] — each distinct set of recommending states, one state or
  more, numbers ascending —, "reviews": [[gap, count, state under review,
  cycle (0 unknown)], …] — each review's recommendations are consecutive docs, the gap counted
  from the end of the previous review's —, "position": {value: [gap, length, gap, length, …]}
  — runs of consecutive docs, each gap from the end of the previous run —, "themes": [[slug,
  name], …] — the themes some recommendation has, in the taxonomy's order —, "levels": [name of
  level 1, …, name of level 5], "abouts": [[level (0 none), theme number, …], …] — each
  distinct combination of a level and a set of themes (numbers in "themes", ascending)}. States,
  sets and abouts are in the order the docs first have them, so a new review's come last and
  the numbers the first tier's postings carry stay as they were.
- `search/facets/by/{iso3}.json`, `search/facets/theme/{slug}.json`,
  `search/facets/group/{group number}.json`, `search/facets/level/{level}.json`,
  `search/facets/all.json`: [gap, by, about, gap, by, about, …] — the recommendations of that
  state, theme, group, level, or all; read only for a search by facets alone.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SHARD_CHARACTERS = re.compile(r"[a-z0-9]+")
FORMAT_VERSION = 5


def dumps(value: Any) -> bytes:
    """A file's JSON: sorted keys, no spaces, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def shard_name(text: str, prefix: int = 2) -> str:
    """The shard of a word or term: its first `prefix` characters when they are all [a-z0-9],
    else `_`."""
    head = text[:prefix]
    return head if SHARD_CHARACTERS.fullmatch(head) else "_"


def shard_of(key: str, split: set[str] | frozenset[str], prefix: int = 2) -> str:
    """The shard of a term in a folder whose large shards were split (meta.json "split"): its
    first `prefix` characters' shard, then one more character for as long as that shard was
    split and the term is longer (a character outside [a-z0-9] counts as `_`)."""
    shard = shard_name(key, prefix)
    while shard in split and len(key) > len(shard):
        shard += shard_name(key[len(shard)], 1)
    return shard


class Facets:
    """facets.json, decoded: which facet values each recommendation has."""

    def __init__(self, data: dict[str, Any]):
        self.states = [iso3 for iso3, _, _ in data["states"]]
        self.names = {iso3: name for iso3, name, _ in data["states"]}
        self.groups = data["groups"]
        self.group_of = {iso3: self.groups[group] for iso3, _, group in data["states"]}
        self.sets = [[self.states[n] for n in members] for members in data["sets"]]
        self.position: dict[int, str] = {}
        for value, runs in data["position"].items():
            for start, end in _decode_runs(runs):
                self.position.update(dict.fromkeys(range(start, end), value))
        self.review_starts: list[int] = []
        self.reviews: list[tuple[int, str, int]] = []  # (end, state under review, cycle)
        for start, end in _decode_runs([n for gap, count, _, _ in data["reviews"] for n in (gap, count)]):
            self.review_starts.append(start)
        for start, (_, count, state, cycle) in zip(self.review_starts, data["reviews"]):
            self.reviews.append((start + count, self.states[state], cycle))
        self.themes = [slug for slug, _ in data["themes"]]
        self.theme_names = dict(data["themes"])
        self.level_names = {str(level): name for level, name in enumerate(data["levels"], 1)}
        self.abouts = [([str(level)] if level else [], [self.themes[n] for n in numbers])
                       for level, *numbers in data["abouts"]]

    def by(self, ref: int) -> list[str]:
        return self.sets[ref - 1] if ref else []

    def about(self, ref: int) -> tuple[list[str], list[str]]:
        """(the level, as a one-value list or empty; the theme slugs)."""
        return self.abouts[ref - 1] if ref else ([], [])

    def values(self, doc: int, ref: int, about: int = 0) -> dict[str, list[str]] | None:
        """facet → the doc's values, or None for a doc that is not a recommendation; `ref` and
        `about` are the numbers its postings carry."""
        position = self.position.get(doc)
        if position is None:
            return None
        end, state, cycle = self.reviews[bisect.bisect_right(self.review_starts, doc) - 1]
        by = self.by(ref)
        level, themes = self.about(about)
        return {"position": [position], "by": by, "sur": [state] if doc < end else [],
                "group": sorted({self.group_of[iso3] for iso3 in by}), "cycle": [str(cycle)] if cycle else [],
                "theme": themes, "level": level}


def _decode_runs(runs: list[int]) -> list[tuple[int, int]]:
    """[gap, length, gap, length, …] → [(start, end), …]."""
    found, end = [], 0
    for i in range(0, len(runs), 2):
        start = end + runs[i]
        end = start + runs[i + 1]
        found.append((start, end))
    return found


class IndexFiles:
    """The exported files, read on demand (each at most once), remembering which were read."""

    def __init__(self, files: Mapping[str, bytes] | Path | str):
        self._files = files if isinstance(files, Mapping) else Path(files)
        self._cache: dict[str, Any] = {}
        self.read: list[str] = []
        self.meta = self.json("search/meta.json")
        if self.meta.get("version") != FORMAT_VERSION:
            raise ValueError(f"search index format {self.meta.get('version')!r} is not {FORMAT_VERSION}")
        self.word_shards = set(self.meta.get("words", ()))
        # each tier: (its number, its split shards by folder)
        self.tiers = [(number, {folder: set(names) for folder, names in tier["split"].items()})
                      for number, tier in enumerate(self.meta["tiers"])]
        self.term_tiers: dict[str, int] = {}  # term → its tiers as a bit mask, from the words shards read
        self.by_ref: dict[int, int] = {}  # doc → its recommending states, from the files read
        self.about_ref: dict[int, int] = {}  # doc → its level and themes, from the files read
        self._facets: Facets | None = None

    def json(self, path: str) -> Any:
        if path not in self._cache:
            if isinstance(self._files, Path):
                data = (self._files / path).read_bytes()
            else:
                data = self._files[path]
            self.read.append(path)
            self._cache[path] = json.loads(data)
        return self._cache[path]

    def words(self, shard: str) -> dict[str, str]:
        """word → term, of one shard; notes the tiers of each term on the way (`term_tiers`)."""
        found = self.json(f"search/words/{shard}.json") if shard in self.word_shards else {}
        for term, tiers in found.values():
            self.term_tiers[term] = tiers
        return {word: term for word, (term, _) in found.items()}

    def _shards(self, folder: str, term: str) -> list[dict[str, Any]]:
        """The term's shard in each tier that holds it, in tier order (its words shard was read)."""
        mask = self.term_tiers.get(term, 0)
        return [self.json(f"search/{folder}/{number}/{shard_of(term, split[folder], self.meta['prefix'])}.json")
                for number, split in self.tiers if mask >> number & 1]

    def exists(self, path: str) -> bool:
        return (self._files / path).is_file() if isinstance(self._files, Path) else path in self._files

    def postings(self, term: str) -> dict[int, int]:
        """doc → score (see the module's notes); notes each doc's recommending states (`by_ref`)
        and its level and themes (`about_ref`) on the way."""
        entries = [shard.get(term, ()) for shard in self._shards("terms", term)]
        scoring = self.meta["scoring"]
        k1, b, fields = scoring["k1"], scoring["b"], scoring["fields"]
        count = self.meta["docs"]
        df = [0] * len(fields)
        for flat in entries:
            for i in range(1, len(flat), 6):
                df[flat[i]] += 1
        idf = [math.log(count / (n + 1)) + 1 for n in df]
        summed: dict[int, float] = {}
        for flat in entries:
            doc = 0  # each tier's gaps count from 0
            for i in range(0, len(flat), 6):
                doc += flat[i]
                field, freq, length = flat[i + 1], flat[i + 2], flat[i + 3]
                _, boost, average = fields[field]
                weight = freq * boost
                norm = k1 * ((1 - b) + b * length / average)
                summed[doc] = summed.get(doc, 0.0) + idf[field] * ((weight * (k1 + 1)) / (weight + norm))
                self.by_ref[doc] = flat[i + 4]
                self.about_ref[doc] = flat[i + 5]
        return {doc: round(1000 * score) for doc, score in summed.items()}

    def places(self, term: str) -> dict[int, set[int]]:
        return {int(doc): set(places) for shard in self._shards("places", term)
                for doc, places in shard.get(term, {}).items()}

    def facets(self) -> Facets:
        if self._facets is None:
            self._facets = Facets(self.json("search/facets.json"))
        return self._facets

    def facet_docs(self, chosen: dict[str, str]) -> set[int]:
        """For a search by facets alone: the docs of the chosen recommending state, theme, group
        or level, in that order (or of every recommendation), their numbers noted in `by_ref`
        and `about_ref`, the other facets not applied."""
        facets = self.facets()
        # only a value the index lists names a file: a value is never a path
        if "by" in chosen:
            path = f"search/facets/by/{chosen['by']}.json" if chosen["by"] in facets.names else None
        elif "theme" in chosen:
            path = f"search/facets/theme/{chosen['theme']}.json" if chosen["theme"] in facets.theme_names else None
        elif "group" in chosen:
            path = f"search/facets/group/{facets.groups.index(chosen['group'])}.json" \
                if chosen["group"] in facets.groups else None
        elif "level" in chosen:
            path = f"search/facets/level/{chosen['level']}.json" if chosen["level"] in facets.level_names else None
        else:
            path = "search/facets/all.json"
        flat = self.json(path) if path and self.exists(path) else []
        docs, doc = set(), 0
        for i in range(0, len(flat), 3):
            doc += flat[i]
            docs.add(doc)
            self.by_ref[doc] = flat[i + 1]
            self.about_ref[doc] = flat[i + 2]
        return docs

    def record(self, doc: int) -> dict[str, Any]:
        chunk = self.meta["chunk"]
        return self.json(f"search/docs/{doc // chunk}.json")[doc % chunk]
