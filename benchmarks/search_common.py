"""What the search benchmark's parts share: settings, the judged queries, sizes, scoring."""

from __future__ import annotations

import gzip
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
QUERIES = ROOT / "tests" / "search_queries.yaml"
SITE_BUILDER = Path(sys.executable).with_name("site-builder")
TOP = 5

PAGEFIND_VARIANTS = {
    "pagefind": [],
    "pagefind-recs": ["--glob", "reviews/*/cycle-*/*/index.html", "--root-selector", "main",
                      "--exclude-selectors", "section.cite, section.related, nav.pager, nav.breadcrumbs"],
}
# Pagefind's bundle files the JS API never fetches (its prebuilt UIs).
PAGEFIND_UI = re.compile(r"^pagefind-(?:ui|modular-ui|component-ui|highlight)\b|^playground/")
REC_URL = re.compile(r"^/reviews/[^/]+/cycle-\d+/[^/#]+/$")
REC_ANCHOR = re.compile(r"^(/reviews/[^/]+/cycle-\d+/)(?:index\.html)?#rec-(.+)$")


# --- Small helpers ------------------------------------------------------------------------------

def human_bytes(n: float | None) -> str:
    if n is None:
        return "n/a"
    for unit in ("B", "kB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def folder_size(folder: Path, exclude: re.Pattern[str] | None = None) -> tuple[int, int]:
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not (exclude and exclude.search(path.relative_to(folder).as_posix())):
            total += path.stat().st_size
            count += 1
    return total, count


_GZIP_CACHE: dict[Path, int] = {}


def gzip_size(path: Path) -> int:
    """What a CDN would send: gzip level 6, or the file as is when that is not smaller."""
    if path not in _GZIP_CACHE:
        data = path.read_bytes()
        _GZIP_CACHE[path] = min(len(data), len(gzip.compress(data, 6)))
    return _GZIP_CACHE[path]


def page_url(url: str) -> str | None:
    """A result URL → the recommendation page it stands for, or None."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    if parts.fragment:
        anchored = REC_ANCHOR.match(path + "#" + unquote(parts.fragment))
        if anchored:
            return f"{anchored.group(1)}{anchored.group(2)}/"
    return path if REC_URL.match(path) else None


@dataclass
class Query:
    query: str
    best: str
    acceptable: list[str]

    @property
    def answers(self) -> set[str]:
        return {self.best, *self.acceptable}


def load_queries(path: Path = QUERIES) -> list[Query]:
    return [Query(e["query"], e["best"], list(e.get("acceptable") or [])) for e in yaml.safe_load(path.read_text())]


def answerable(queries: list[Query], output: Path) -> list[Query]:
    def exists(url: str) -> bool:
        return (output / unquote(url).lstrip("/") / "index.html").is_file()
    return [q for q in queries if any(exists(u) for u in q.answers)]


def relevance(results: dict[str, list[str | None]], queries: list[Query]) -> dict:
    """hit@1 and hit@5 over the queries; results[query] = the top result pages, in order."""
    at1 = at5 = 0
    ranks = {}
    for q in queries:
        pages = results.get(q.query, [])[:TOP]
        rank = next((i + 1 for i, page in enumerate(pages) if page in q.answers), None)
        ranks[q.query] = rank
        at1 += rank == 1
        at5 += rank is not None
    n = len(queries)
    return {"n": n, "hit1": at1, "hit5": at5, "ranks": ranks}


def result_urls(result) -> list[str]:
    """The result URLs of a SearchResult, whichever shape it has (`.docs` or `.hits[].record`)."""
    records = getattr(result, "docs", None)
    if records is None:
        records = [getattr(hit, "record", hit) for hit in getattr(result, "hits", [])]
    return [record.get("u", "") if isinstance(record, dict) else str(record) for record in records]
