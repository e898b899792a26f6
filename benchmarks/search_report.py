"""The benchmark's printed report: the side-by-side table and the per-query ranks."""

from __future__ import annotations

import statistics


from search_common import Query, TOP, human_bytes


def _bytes_cell(pairs: list[tuple[int, int, int]] | None) -> str:
    if not pairs:
        return "n/a"
    raws = [p[0] for p in pairs]
    gzs = [p[1] for p in pairs]
    return (f"{human_bytes(statistics.median(raws))} ({human_bytes(statistics.median(gzs))} gz); "
            f"max {human_bytes(max(raws))}")


def _code_cell(pairs) -> str:
    if not pairs:
        return "n/a"
    return human_bytes(statistics.median(p[2] for p in pairs))


def _q1_cell(pairs) -> str:
    if not pairs:
        return "n/a"
    return f"{human_bytes(pairs[0][0])} ({human_bytes(pairs[0][1])} gz)"


def format_table(row: dict, queries: list[Query]) -> str:
    site = row["site"]
    engines = row["engines"]
    names = [n for n in engines if n != "ours"] + ["ours"]
    lines = [f"== {row['archive']}: {site['reports']} report(s), {site['recommendations']} recommendations, "
             f"{site['pages']} pages (site build {site['seconds']:.1f} s)"]

    def cell(name: str, metric: str) -> str:
        e = engines[name]
        if name == "ours" and e.get("skipped") and metric not in ("size",):
            return "skipped"
        if metric == "build":
            return f"{e['seconds']:.2f} s" if e.get("seconds") is not None else "n/a"
        if metric == "size":
            if e.get("index_bytes") is None:
                return "skipped" if e.get("skipped") else "n/a"
            extra = f" (bundle {human_bytes(e['bundle_bytes'])})" if "bundle_bytes" in e else ""
            return f"{human_bytes(e['index_bytes'])}, {e['index_files']} files{extra}"
        if metric == "pages":
            return str(e.get("pages", "—")) if name != "ours" else "recs, paragraphs, reviews, states"
        if metric in ("first", "second", "q1", "q2", "how", "code"):
            source = e.get("browser") if name == "ours" and e.get("browser") else e
            if metric == "how":
                return source.get("how", "n/a")
            if metric == "code":
                return _code_cell(source.get("first"))
            if metric == "q1":
                return _q1_cell(source.get("first"))
            if metric == "q2":
                return _q1_cell(source.get("second"))
            return _bytes_cell(source.get(metric))
        if metric == "latency":
            return f"{e['latency_ms']:.1f} ms" if "latency_ms" in e else "n/a"
        if metric == "relevance":
            r = e.get("relevance")
            if not r:
                return "n/a"
            return f"{r['hit1']}/{r['n']} @1, {r['hit5']}/{r['n']} @5"
        return "?"

    metrics = [
        ("pages indexed", "pages"),
        ("index build time", "build"),
        ("index size on disk", "size"),
        ("bytes measured by", "how"),
        (f"1st query, median of {len(queries)} cold", "first"),
        ("  of which JS/wasm code", "code"),
        (f"2nd query, median of {len(queries)}", "second"),
        (f"1st query '{queries[0].query}'", "q1"),
        (f"then '{queries[1].query}'", "q2"),
        ("query latency, median warm", "latency"),
        (f"relevance on {row['queries']} answerable", "relevance"),
    ]
    table = [["", *names]] + [[label, *(cell(n, m) for n in names)] for label, m in metrics]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    for r in table:
        lines.append(" | ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    if row.get("note"):
        lines.append(f"   note: {row['note']}")
    for name in names:
        e = engines[name]
        if e.get("skipped"):
            lines.append(f"   {name}: skipped — {e['skipped']}")
        if e.get("latency_how"):
            lines.append(f"   {name} latency: {e['latency_how']}")
        if e.get("browser_error"):
            lines.append(f"   {name} browser run failed: {e['browser_error']}")
    return "\n".join(lines)


def format_ranks(row: dict, queries: list[Query]) -> str:
    engines = {n: e["relevance"]["ranks"] for n, e in row["engines"].items() if e.get("relevance")}
    if not engines:
        return ""
    lines = [f"   rank of the first right answer ({row['archive']}; - = not in top {TOP}):",
             "   " + " | ".join(["query".ljust(36), *(n.ljust(13) for n in engines)])]
    for q in queries:
        if q.query not in next(iter(engines.values())):
            continue
        ranks = [str(engines[n].get(q.query) or "-").ljust(13) for n in engines]
        lines.append("   " + " | ".join([q.query[:36].ljust(36), *ranks]))
    return "\n".join(lines)
