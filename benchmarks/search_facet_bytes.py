"""What the search index costs a first query, with and without themes and action levels.

    .venv/bin/python benchmarks/search_facet_bytes.py [--archives seed,corpus] [--stand-in]
        [--corpus ../shared/corpus] [--json FILE]

For each archive (the seed; the seed plus ../shared/corpus/reports) it exports the static search
index in memory (no site build) and, with the Python twin (site_builder.search_query, which reads
exactly the files the browser client fetches), reports for the 30 judged queries of
tests/search_queries.yaml the bytes of the files a first query reads (cold: median and maximum,
raw and gzipped), the size of facets.json (which every query with results reads) and of the
whole index; then the same for a few searches by theme and by action level.

Themes and action levels are being filled by the classifier, which is not in every branch. With
`--stand-in` each recommendation gets them from a crude keyword stand-in (theme-name words found
in its text, at most four themes; the level of its first word), so the figures show what real
themes would cost, roughly: the stand-in is about as varied as a classifier, not as accurate.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import re
import statistics
import sys
from pathlib import Path

from search_common import ROOT, human_bytes, load_queries

from site_builder.classify.taxonomy import load_taxonomy
from site_builder.enrich import build_archive
from site_builder.parse import parse_file
from site_builder.search_export import export_search_index
from site_builder.search_query import search
from site_builder.urls import Urls

GENERIC = {"rights", "human", "international", "national", "freedom", "persons", "right", "other"}
LEVEL_OF_VERB = {"call": 1, "seek": 1, "share": 1, "continue": 2, "maintain": 2, "pursue": 2,
                 "consider": 3, "examine": 3, "review": 3, "study": 3, "ensure": 4, "promote": 4,
                 "strengthen": 4, "take": 4, "abolish": 5, "adopt": 5, "amend": 5, "ratify": 5,
                 "establish": 5, "investigate": 5}


def stand_in_classification(archive):
    """The archive with every recommendation given stand-in themes and an action level."""
    keywords = [(theme.slug, {word[:6] for word in re.findall(r"[a-z]+", theme.name.lower())
                              if len(word) >= 5 and word not in GENERIC})
                for theme in load_taxonomy()]
    reports = []
    for report in archive.reports:
        recs = []
        for rec in report.recommendations:
            words = re.findall(r"[a-z]+", rec.text.lower())
            stems = {word[:6] for word in words}
            themes = tuple(slug for slug, wanted in keywords if wanted & stems)[:4]
            level = LEVEL_OF_VERB.get(words[0]) if words else None
            recs.append(dataclasses.replace(rec, themes=themes, action_level=level))
        reports.append(dataclasses.replace(report, recommendations=tuple(recs)))
    return build_archive(reports)


def gzipped(data: bytes) -> int:
    return min(len(data), len(gzip.compress(data, 6)))


def measure(name: str, archive, queries) -> dict:
    files = export_search_index(archive, Urls("https://example.org"))
    sizes = {path: (len(data), gzipped(data)) for path, data in files.items()}

    def cost(query: str, facets: dict | None = None) -> tuple[int, int, list[str]]:
        read = list(dict.fromkeys(search(files, query, facets).files_read))
        return sum(sizes[p][0] for p in read), sum(sizes[p][1] for p in read), read

    first = [cost(q.query)[:2] for q in queries]
    row = {"archive": name, "files": len(files), "index_bytes": sum(raw for raw, _ in sizes.values()),
           "facets_json": sizes.get("search/facets.json"),
           "first_median": [statistics.median(c[i] for c in first) for i in (0, 1)],
           "first_max": [max(c[i] for c in first) for i in (0, 1)], "facet_searches": {}}
    recs = [rec for report in archive.reports for rec in report.recommendations]
    common = max({t for rec in recs for t in rec.themes}, key=lambda t: sum(t in r.themes for r in recs), default=None)
    for label, query, facets in (("theme alone", "", {"theme": common}), ("level alone", "", {"level": "5"}),
                                 ("torture + theme", "torture", {"theme": common}),
                                 ("by SWE alone", "", {"by": "SWE"})):
        if facets.get("theme", "") is None:
            continue
        raw, gz, _ = cost(query, facets)
        row["facet_searches"][f"{label} {facets}"] = [raw, gz]
    return row


def show(row: dict) -> str:
    raw, gz = row["facets_json"] or (0, 0)
    lines = [f"{row['archive']}: index {human_bytes(row['index_bytes'])} in {row['files']} files; "
             f"facets.json {human_bytes(raw)} ({human_bytes(gz)} gzipped)",
             f"  first query, 30 judged queries: median {human_bytes(row['first_median'][0])} "
             f"({human_bytes(row['first_median'][1])} gz), max {human_bytes(row['first_max'][0])} "
             f"({human_bytes(row['first_max'][1])} gz)"]
    lines += [f"  {label}: {human_bytes(raw)} ({human_bytes(gz)} gz)" for label, (raw, gz) in row["facet_searches"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archives", default="seed,corpus")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--stand-in", action="store_true", help="give recommendations stand-in themes and levels")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    seed = [ROOT / "content" / "reports" / "A-HRC-28-10.txt"]
    sources = {"seed": seed, "corpus": seed + sorted((args.corpus / "reports").glob("*.txt"))}
    rows = []
    for name in [a.strip() for a in args.archives.split(",") if a.strip()]:
        archive = build_archive([parse_file(path) for path in sources[name]])
        if args.stand_in:
            archive = stand_in_classification(archive)
        rows.append(measure(name + (" (stand-in themes)" if args.stand_in else ""), archive, load_queries()))
        print(show(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
