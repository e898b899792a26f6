"""Our static search index against Pagefind, side by side, in one run.

    .venv/bin/python benchmarks/search_vs_pagefind.py [--archives seed,corpus] [--scaled 50000]
        [--corpus ../shared/corpus] [--work DIR] [--json FILE] [--verbose]

For each archive — the seed (A/HRC/28/10), the seed plus ../shared/corpus/reports (26 reports),
and with `--scaled N` a generated archive of at least N recommendations (benchmarks/scale_corpus.py)
— it builds the site with `site-builder build`, then measures:

- Pagefind (`pip install 'pagefind[bin]'`, run as `python -m pagefind`), in two set-ups over the
  same output: "pagefind", every page as built (Pagefind's defaults: all of each page's <body>),
  and "pagefind-recs", the recommendation pages only (`--glob reviews/*/cycle-*/*/index.html
  --root-selector main --exclude-selectors …` leaving out the citation, the dialogue statement
  and the list of the same state's other recommendations), which is Pagefind configured for
  this site as well as it can be without touching the templates. Index build time, and size on
  disk: the index (what the JS API can fetch) and the whole bundle (with Pagefind's UI files).
- Ours: output/search/ as the build wrote it (size on disk, file count) and, when
  site_builder.search exports build_index/export_search_index, the time to build and export the
  index from the parsed reports (the site build does more, and is timed on its own). Skipped,
  with the reason, while site_builder.search_query cannot be imported or output/search/ is
  missing (`--export-ours` writes output/search/ with site_builder.search when the build does
  not yet).
- Bytes fetched by a browser for a first query and for a second one, cold cache: headless
  Chromium through Playwright, the output folder served by a local http.server. For Pagefind, a
  generated page (output/__bench__/) imports /pagefind_bench/pagefind.js and, for the query,
  runs `pagefind.search(q)` and `data()` on the top 5 results; counted are the bodies of all
  responses under the bundle's folder, as the local server sends them (so requests from
  Pagefind's Web Worker count too, and nothing the browser had cached). Each of the 30 queries is
  run first in a fresh browser context (cold), followed there by the next query in the list
  (second): medians and maxima over the 30 are reported. For ours: when the site has a search
  page (output/search/index.html) its client is driven the same way through /search/?q=…, and the
  responses under /search/ (but the page itself) and /assets/*search*.js are counted; without
  it, the bytes of the files `search_query.search()` reports in `files_read` (the Python twin
  reads exactly what the browser client would), and for a second query the files it reads that
  the first did not. The table says which. Sizes are as served (no HTTP compression) and, in
  brackets, gzipped as a CDN would send them (Pagefind's own files are gzipped already).
- Query latency, warm: the median over the 30 queries of the second run of each query. Pagefind
  in Chromium (search + data() for the top 5, timed with performance.now()); ours with the
  Python twin over the index files held in memory.
- Relevance on tests/search_queries.yaml: a hit is the query's `best` or one of its `acceptable`
  recommendation pages; hit@1 and hit@5 over the queries that have at least one answer in the
  archive (n) (on a scaled archive each real answer competes with copies of its text in the
  synthetic reports, so its relevance is printed but not comparable). Pagefind's result URLs are recommendation pages, or pages whose sub-result anchor
  is `#rec-<id>` on a review page (mapped to that recommendation's page); any other page (a
  review, a list, a state) is not a recommendation and is no hit.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path


from search_report import format_ranks, format_table
from search_browser import launch, measure_ours_browser, measure_pagefind_browser, our_search_page, serve
from search_common import PAGEFIND_UI, PAGEFIND_VARIANTS, QUERIES, Query, ROOT, SITE_BUILDER, TOP, answerable, folder_size, gzip_size, human_bytes, load_queries, page_url, relevance, result_urls

# --- Building -----------------------------------------------------------------------------------

def build_site(content: Path, output: Path) -> dict:
    started = time.perf_counter()
    result = subprocess.run([str(SITE_BUILDER), "build", "--content", str(content), "--output", str(output)],
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"site-builder build failed for {content}:\n{result.stdout}\n{result.stderr}")
    summary = re.search(r"Built (\d+) pages .*? from (\d+) report\(s\), (\d+) recommendations", result.stdout)
    pages, reports, recommendations = (int(g) for g in summary.groups()) if summary else (None, None, None)
    return {"seconds": elapsed, "pages": pages, "reports": reports, "recommendations": recommendations}


def seed_content(work: Path) -> Path:
    return ROOT / "content"


def corpus_content(work: Path, corpus: Path) -> Path:
    content = work / "content-corpus"
    if content.exists():
        shutil.rmtree(content)
    shutil.copytree(ROOT / "content", content)
    for path in sorted((corpus / "reports").glob("*.txt")):
        shutil.copy(path, content / "reports" / path.name)
    return content


def scaled_content(work: Path, corpus: Path, recommendations: int) -> tuple[Path, dict]:
    import scale_corpus

    content = work / f"content-scaled-{recommendations}"
    info = scale_corpus.generate(content, recommendations=recommendations, corpus=corpus, log=lambda *_: None)
    return content, info


# --- Pagefind -----------------------------------------------------------------------------------

def pagefind_available() -> str | None:
    """None when `python -m pagefind` runs, else why not."""
    try:
        result = subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True)
    except OSError as error:
        return str(error)
    if result.returncode != 0:
        return (result.stderr or result.stdout).strip() or "python -m pagefind failed"
    return None


def pagefind_version() -> str:
    result = subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True)
    return result.stdout.strip()


def index_with_pagefind(output: Path, variant: str) -> dict:
    subdir = variant.replace("pagefind", "pagefind_bench").replace("-", "_")
    bundle = output / subdir
    if bundle.exists():
        shutil.rmtree(bundle)
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--output-subdir", subdir,
               *PAGEFIND_VARIANTS[variant]]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"pagefind failed:\n{result.stdout}\n{result.stderr}")
    pages = re.search(r"Indexed (\d+) pages?", result.stdout)
    words = re.search(r"Indexed (\d+) words?", result.stdout)
    index_bytes, index_files = folder_size(bundle, PAGEFIND_UI)
    bundle_bytes, _ = folder_size(bundle)
    return {"subdir": subdir, "seconds": elapsed, "pages": int(pages.group(1)) if pages else None,
            "words": int(words.group(1)) if words else None,
            "index_bytes": index_bytes, "index_files": index_files, "bundle_bytes": bundle_bytes}




# --- Ours ---------------------------------------------------------------------------------------

def ours_available(output: Path) -> tuple[object | None, str | None]:
    """(the search_query module, None), or (None, why ours is skipped)."""
    try:
        from site_builder import search_query
    except Exception as error:  # noqa: BLE001 — being written in parallel: any failure skips
        return None, f"site_builder.search_query is not importable ({type(error).__name__}: {error})"
    if not hasattr(search_query, "search"):
        return None, "site_builder.search_query has no search()"
    if not (output / "search").is_dir():
        return None, f"{output}/search/ does not exist (the build does not export our index yet)"
    return search_query, None


def time_our_index(content: Path, output: Path | None = None) -> tuple[float | None, str | None]:
    """Seconds to analyse and score the archive and export the static files from the parsed reports;
    with `output`, also write them there. (None, why) when site_builder.search cannot do it."""
    try:
        from site_builder.build import parse_reports, report_files
        from site_builder.enrich import build_archive
        from site_builder.search_export import export_search_index
        from site_builder.urls import Urls
    except Exception as error:  # noqa: BLE001
        return None, f"site_builder.search is not usable ({type(error).__name__}: {error})"
    try:
        reports, _ = parse_reports(report_files(content))
        archive = build_archive(reports)
        urls = Urls("")
        started = time.perf_counter()
        files = export_search_index(archive, urls)
        elapsed = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001
        return None, f"building our index failed ({type(error).__name__}: {error})"
    if output is not None:
        for name, data in files.items():
            path = output / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return elapsed, None


def measure_ours_twin(search_query, output: Path, queries: list[Query]) -> dict:
    """Bytes from files_read, latency and relevance, with the Python twin."""
    files = {p.relative_to(output).as_posix(): p.read_bytes()
             for p in (output / "search").rglob("*") if p.is_file()}

    def bytes_of(paths) -> tuple[int, int, int]:
        raw = sum((output / p).stat().st_size for p in paths)
        gz = sum(gzip_size(output / p) for p in paths)
        return raw, gz, 0

    first, second, latencies, results = [], [], [], {}
    for i, q in enumerate(queries):
        nxt = queries[(i + 1) % len(queries)]
        read1 = list(dict.fromkeys(search_query.search(output, q.query).files_read))
        read2 = [p for p in dict.fromkeys(search_query.search(output, nxt.query).files_read) if p not in read1]
        first.append(bytes_of(read1))
        second.append(bytes_of(read2))
        search_query.search(files, q.query)  # warm-up
        started = time.perf_counter()
        result = search_query.search(files, q.query)
        latencies.append((time.perf_counter() - started) * 1000)
        results[q.query] = [page_url(u) for u in result_urls(result)[:TOP]]
    return {"how": "Python twin files_read (index files only)", "first": first, "second": second,
            "latency_ms": statistics.median(latencies), "latency_how": "Python twin, files in memory",
            "results": results}


# --- One archive --------------------------------------------------------------------------------

def measure_archive(name: str, content: Path, output: Path, queries: list[Query], args, log) -> dict:
    log(f"[{name}] building the site from {content} …")
    site = build_site(content, output)
    log(f"[{name}] {site['reports']} report(s), {site['recommendations']} recommendations, "
        f"{site['pages']} pages, built in {site['seconds']:.1f} s")
    scored = answerable(queries, output)
    row: dict = {"archive": name, "site": site, "queries": len(scored), "engines": {}}
    if name.startswith("scaled"):
        row["note"] = ("relevance here is not comparable with the real archives: each real answer "
                       "competes with copies of its own text in the synthetic reports, which count as misses")

    # Ours
    search_query, why_not = ours_available(output)
    if search_query is None and args.export_ours and (output / "search").is_dir() is False:
        seconds, problem = time_our_index(content, output)
        if problem is None:
            search_query, why_not = ours_available(output)
    ours: dict = {"skipped": why_not}
    if search_query is not None:
        size, count = folder_size(output / "search")
        seconds, problem = time_our_index(content)
        ours.update(index_bytes=size, index_files=count, seconds=seconds, seconds_note=problem)
        log(f"[ours] output/search/: {human_bytes(size)} in {count} files; "
            + (f"index build + export {seconds:.1f} s" if seconds is not None else f"build time n/a: {problem}"))
        try:
            ours.update(measure_ours_twin(search_query, output, queries))
        except Exception as error:  # noqa: BLE001
            ours["skipped"] = f"the Python twin failed ({type(error).__name__}: {error})"
    else:
        log(f"[ours] skipped: {why_not}")

    # Pagefind
    pagefind: dict[str, dict] = {}
    problem = pagefind_available()
    if problem:
        log(f"[pagefind] skipped: {problem}")
    else:
        for variant in args.pagefind:
            info = index_with_pagefind(output, variant)
            pagefind[variant] = info
            log(f"[{variant}] indexed {info['pages']} pages in {info['seconds']:.1f} s: "
                f"index {human_bytes(info['index_bytes'])} in {info['index_files']} files "
                f"(bundle {human_bytes(info['bundle_bytes'])})")

    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        with serve(output) as server, sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                for variant, info in pagefind.items():
                    log(f"[{variant}] browser: 30 cold first + second queries, latency, relevance …")
                    info.update(measure_pagefind_browser(browser, server, output, info["subdir"], queries))
                if search_query is not None and not ours.get("skipped") and our_search_page(output):
                    log("[ours] browser: 30 cold first + second queries through /search/ …")
                    try:
                        ours["browser"] = measure_ours_browser(browser, server, output, queries)
                        # what a reader waits for is the page's, not the Python twin's
                        ours["results_twin_agrees"] = ours["browser"]["results"] == ours.get("results")
                        ours["latency_ms"] = ours["browser"]["latency_ms"]
                        ours["latency_how"] = ours["browser"]["latency_how"]
                    except Exception as error:  # noqa: BLE001
                        ours["browser_error"] = f"{type(error).__name__}: {error}"
            finally:
                browser.close()

    for variant, info in pagefind.items():
        if "results" in info:
            info["relevance"] = relevance(info["results"], scored)
        row["engines"][variant] = info
    if "results" in ours:
        ours["relevance"] = relevance(ours["results"], scored)
    row["engines"]["ours"] = ours
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archives", default="seed,corpus",
                        help="comma-separated: seed, corpus (default both; '' for none)")
    parser.add_argument("--scaled", type=int, metavar="N", default=None,
                        help="also a generated archive of at least N recommendations (e.g. 50000)")
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--queries", type=Path, default=QUERIES)
    parser.add_argument("--pagefind", default=",".join(PAGEFIND_VARIANTS),
                        help=f"Pagefind set-ups to run (default {','.join(PAGEFIND_VARIANTS)})")
    parser.add_argument("--work", type=Path, default=None, help="keep the built sites here (default: a temp dir)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--export-ours", action="store_true",
                        help="when the build wrote no output/search/, write it with site_builder.search")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure as JSON")
    parser.add_argument("--verbose", action="store_true", help="print each query's rank per engine")
    args = parser.parse_args(argv)
    args.pagefind = [v for v in args.pagefind.split(",") if v]
    unknown = set(args.pagefind) - set(PAGEFIND_VARIANTS)
    if unknown:
        parser.error(f"unknown Pagefind set-up(s): {', '.join(sorted(unknown))}")

    queries = load_queries(args.queries)
    log = partial(print, file=sys.stderr, flush=True)
    if problem := pagefind_available():
        log(f"Pagefind is not available ({problem}); install it with: pip install 'pagefind[bin]'")
    else:
        log(f"Pagefind: {pagefind_version()} (python -m pagefind, pagefind[bin])")

    work = args.work or Path(tempfile.mkdtemp(prefix="search-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    archives: list[tuple[str, Path]] = []
    for name in [a.strip() for a in args.archives.split(",") if a.strip()]:
        if name == "seed":
            archives.append(("seed", seed_content(work)))
        elif name == "corpus":
            archives.append(("seed+corpus", corpus_content(work, args.corpus)))
        else:
            parser.error(f"unknown archive {name!r} (seed, corpus; --scaled N for a scaled one)")
    if args.scaled:
        log(f"[scaled] generating an archive of at least {args.scaled} recommendations …")
        content, info = scaled_content(work, args.corpus, args.scaled)
        log(f"[scaled] {info['synthetic_reports']} synthetic + {info['real_reports']} real reports, "
            f"{info['recommendations']} recommendations, generated and checked in {info['total_seconds']:.1f} s")
        archives.append((f"scaled {info['recommendations']}", content))

    rows = []
    try:
        for name, content in archives:
            output = work / ("output-" + re.sub(r"\W+", "-", name))
            row = measure_archive(name, content, output, queries, args, log)
            rows.append(row)
            print(format_table(row, queries), flush=True)
            if args.verbose:
                print(format_ranks(row, queries), flush=True)
            print(flush=True)
    finally:
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1, default=str))
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
