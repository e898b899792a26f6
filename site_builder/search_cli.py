"""`site-builder search`: the built site's search index, queried from the command line.

It reads the same static files as the search page, through the same engine (search_query), so
the command line and the browser return the same results.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from .errors import BuildError
from .search_query import SearchResult, search

FACET_HELP = {
    "position": "supported, noted or pending",
    "by": "recommending state, as its ISO 3166 alpha-3 code (SWE)",
    "sur": "state under review, as its ISO code (KAZ)",
    "group": 'regional group ("Western European and others")',
    "cycle": "UPR cycle (1, 2, 3, 4)",
    "theme": "theme, as its slug (death-penalty; the list is in classify/themes.yaml)",
    "level": "action level, 1 (minimal) to 5 (specific action)",
}
SNIPPET = 300


def run_search(output: Path, query: str, facets: dict[str, str], page: int = 1) -> SearchResult:
    meta = output / "search" / "meta.json"
    if not meta.is_file():
        raise BuildError(f"{meta}: no search index here; run `site-builder build` first")
    try:
        return search(output, query, facets, page)
    except (ValueError, OSError) as error:  # a stale or damaged index
        raise BuildError(f"{output / 'search'}: cannot be read ({error}); rebuild the site") from None


def search_result_to_json(result: SearchResult) -> dict:
    return {"query": result.query, "total": result.total, "page": result.page, "pages": result.pages,
            "suggestions": result.suggestions, "facets": result.facets,
            "hits": [{"score": hit.score, "url": hit.record["u"], "kind": hit.record["k"],
                      "title": hit.record["t"], "text": hit.record["x"], "id": hit.record["i"],
                      "position": hit.record["p"], "recommended_by": hit.record["b"],
                      "state_under_review": hit.record["r"], "cycle": hit.record["c"]}
                     for hit in result.hits]}


def format_search_result(result: SearchResult, facets: dict[str, str]) -> str:
    filters = "".join(f", {name}={value}" for name, value in facets.items())
    described = f"“{result.query}”{filters}" if result.query.strip() else (filters[2:] or "nothing")
    lines = []
    if result.suggestions:
        lines.append("Did you mean: " + ", ".join(f"{word} → {better}" for word, better in result.suggestions.items()))
    if not result.total:
        lines.append(f"No results for {described}."
                     + (" Type some words, or choose a filter." if described == "nothing" else ""))
        return "\n".join(lines)
    first = (result.page - 1) * 10 + 1
    some = f" ({result.complete} with all the words, then those with some)" if result.complete < result.total else ""
    lines.append(f"{result.total} result(s) for {described}{some}; "
                 + (f"{first}–{first + len(result.hits) - 1} shown" if result.hits else f"page {result.page} is past the end"))
    for number, hit in enumerate(result.hits, first):
        record = hit.record
        if record["k"] == "recommendation":
            head = f"{record['t']} — {record['p']} — by {', '.join(record['b']) or 'no state named'}"
        else:
            head = f"{record['t']} ({record['k']})"
        text = record["x"] if len(record["x"]) <= SNIPPET else record["x"][:SNIPPET].rsplit(" ", 1)[0] + " …"
        lines.append(f"{number:>3}. {head}")
        lines += textwrap.wrap(text, width=96, initial_indent="     ", subsequent_indent="     ")
        lines.append(f"     {record['u']}")
    counts = result.facets.get("position", {})
    if counts:
        lines.append("Positions: " + ", ".join(f"{n} {value}" for value, n in sorted(counts.items())))
    counts = result.facets.get("level", {})
    if counts:
        lines.append("Action levels: " + ", ".join(f"{n} level {value}" for value, n in sorted(counts.items())))
    counts = result.facets.get("theme", {})
    if counts:  # the commonest first
        lines.append("Themes: " + ", ".join(f"{n} {slug}" for slug, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))))
    return "\n".join(lines)
