"""The static search index's files (format v4): what each holds, and their reader.

`search_export.py` writes them under `search/`; `search_query.py` answers a query by reading,
through `IndexFiles`, only the files that query needs, as the browser client
(templates/static/search.js) does.

Paths are relative to output/; files are JSON with sorted keys, no spaces, UTF-8.
`{p}` is a word's first two characters when they are [a-z0-9], else `_`; a terms or places
shard is named the same way, then one more character (a character outside [a-z0-9] as `_`)
for as long as that name is listed in meta.json's "split" and the term is longer (`shard_of`).

- `search/meta.json`: {"version": 4, "docs": N, "chunk": C, "prefix": 2, "words": [shard, …],
  "split": {"terms": [shard, …], "places": [shard, …]}}.
- `search/words/{p}.json`: {word: term}; "" for a word the analyser drops.
- `search/terms/{shard}.json`: {term: [gap, score, by, about, gap, score, by, about, …]} — doc
  numbers as gaps from the previous one (the first from 0), score = round(1000 × Whoosh's BM25F
  score), by = the doc's recommending states as one number: 0 none (or not a recommendation),
  1 … S the one state states[by − 1], above S the set sets[by − S − 1]; about = the doc's action
  level and themes as one number: 0 neither (or not a recommendation), else abouts[about − 1].
  Carrying both in each posting lets a query count every facet over its results from facets.json
  alone, whichever docs they are.
- `search/places/{shard}.json`: {term: {doc: [place, …]}}, each term's docs in number order
  (not sorted as text) — read only for phrases.
- `search/docs/{n}.json`: the records of docs C·n … C·n + C − 1, in doc order, each
  {"u": URL, "k": kind, "t": title, "x": text, "i": recommendation id, "p": position,
   "b": [recommending states], "r": state under review, "c": cycle}.
- `search/facets.json`: {"states": [[iso3, name, group number], …] (by ISO code), "groups":
  [name, …], "sets": [[state number, …], …], "reviews": [[gap, count, state under review,
  cycle (0 unknown)], …] — each review's recommendations are consecutive docs, the gap counted
  from the end of the previous review's —, "position": {value: [gap, length, gap, length, …]}
  — runs of consecutive docs, each gap from the end of the previous run —, "themes": [[slug,
  name], …] — the themes some recommendation has, in the taxonomy's order —, "levels": [name of
  level 1, …, name of level 5], "abouts": [[level (0 none), theme number, …], …] — each
  distinct combination of a level and a set of themes (numbers in "themes", ascending), the
  most frequent first, so that the commonest combinations are the shortest numbers}.
- `search/facets/by/{iso3}.json`, `search/facets/theme/{slug}.json`,
  `search/facets/group/{group number}.json`, `search/facets/level/{level}.json`,
  `search/facets/all.json`: [gap, by, about, gap, by, about, …] — the recommendations of that
  state, theme, group, level, or all; read only for a search by facets alone.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SHARD_CHARACTERS = re.compile(r"[a-z0-9]+")
FORMAT_VERSION = 4


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
        if ref == 0:
            return []
        if ref <= len(self.states):
            return [self.states[ref - 1]]
        return self.sets[ref - len(self.states) - 1]

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
        self.split = {folder: set(names) for folder, names in self.meta.get("split", {}).items()}
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
        return self.json(f"search/words/{shard}.json") if shard in self.word_shards else {}

    def _shard(self, folder: str, term: str) -> dict[str, Any]:
        path = f"search/{folder}/{shard_of(term, self.split[folder], self.meta['prefix'])}.json"
        return self.json(path) if self.exists(path) else {}

    def exists(self, path: str) -> bool:
        return (self._files / path).is_file() if isinstance(self._files, Path) else path in self._files

    def postings(self, term: str) -> dict[int, int]:
        """doc → score; notes each doc's recommending states (`by_ref`) and its level and themes
        (`about_ref`) on the way."""
        flat = self._shard("terms", term).get(term, ())
        found, doc = {}, 0
        for i in range(0, len(flat), 4):
            doc += flat[i]
            found[doc] = flat[i + 1]
            self.by_ref[doc] = flat[i + 2]
            self.about_ref[doc] = flat[i + 3]
        return found

    def places(self, term: str) -> dict[int, set[int]]:
        return {int(doc): set(places) for doc, places in self._shard("places", term).get(term, {}).items()}

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
