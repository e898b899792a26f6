"""The published-site checks on a big built archive (issue 7: "the built site passes the link,
HTML and accessibility checks at 100,000 recommendations too").

    .venv/bin/python benchmarks/check_at_scale.py --output /tmp/sw/ours-100000 \
        --content /tmp/sw/archive-100000 [--axe-sample 300] [--json result.json]

- links, anchors, reachability and HTML (Nu Html Checker) over every file: `site_builder.check`,
  what `site-builder check` runs;
- accessibility (axe-core in headless Chromium) over a sample, since axe takes about a second a
  page: for every kind of page (by the shape of its path) its largest page, plus a random sample
  (fixed seed) of the rest.

Prints the figures and exits non-zero if anything was found.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import random
import re
import shutil
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_builder.check import check_site  # noqa: E402

# The kind of a page, from its path: ids, slugs and page numbers are replaced by placeholders.
KINDS = [
    (r"^reviews/[^/]+/[^/]+/part-\d+/index\.html$", "review, later part"),
    (r"^reviews/[^/]+/[^/]+/recommendations/index\.html$", "review's recommendation table"),
    (r"^reviews/[^/]+/[^/]+/recommendations/page-\d+/index\.html$", "review's recommendation table, later page"),
    (r"^reviews/[^/]+/[^/]+/[^/]+/index\.html$", "recommendation"),
    (r"^reviews/[^/]+/[^/]+/index\.html$", "review"),
    (r"^states/[^/]+/recommendations/(page-\d+/)?index\.html$", "state's recommendation list"),
    (r"^states/[^/]+/index\.html$", "state"),
    (r"^themes/[^/]+/recommendations/(page-\d+/)?index\.html$", "theme's recommendation list"),
    (r"^themes/[^/]+/index\.html$", "theme"),
    (r"^recommendations/(page-\d+/)?index\.html$", "archive's recommendation list"),
    (r"^reviews/page-\d+/index\.html$", "reviews index, later page"),
]


def kind_of(page: str) -> str:
    for pattern, kind in KINDS:
        if re.match(pattern, page):
            return kind
    return page  # the home page, indexes and prose pages: each a kind of its own


def axe_sample(output: Path, size: int, seed: int = 7) -> list[str]:
    pages = sorted(p.relative_to(output).as_posix() for p in output.rglob("*.html"))
    largest: dict[str, tuple[int, str]] = {}
    for page in pages:
        kind, bytes_ = kind_of(page), (output / page).stat().st_size
        if bytes_ > largest.get(kind, (-1, ""))[0]:
            largest[kind] = (bytes_, page)
    chosen = sorted(page for _, page in largest.values())
    rest = [page for page in pages if page not in set(chosen)]
    chosen += sorted(random.Random(seed).sample(rest, min(size, len(rest))))
    return chosen


@contextlib.contextmanager
def serving(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def run_axe(output: Path, pages: list[str]) -> dict[str, list[str]]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    problems: dict[str, list[str]] = {}
    with serving(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                             args=["--no-sandbox", "--disable-gpu"])
        axe = Axe()
        for number, page in enumerate(pages, 1):
            started = time.perf_counter()
            tab = browser.new_page()  # a tab per page: one tab for all grew past 6 GB
            url = base + "/" + (page[:-len("index.html")] if page.endswith("index.html") else page)
            response = tab.goto(url)
            if response is None or not response.ok:
                problems[page] = [f"HTTP {response and response.status}"]
                tab.close()
                continue
            violations = axe.run(tab).response["violations"]
            tab.close()
            if violations:
                problems[page] = [f"{v['id']} ({v['impact']}): {len(v['nodes'])} elements" for v in violations]
            print(f"  axe {number}/{len(pages)}: {page} {time.perf_counter() - started:.1f} s"
                  f"{', ' + str(len(violations)) + ' violation(s)' if violations else ''}", flush=True)
        browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--axe-sample", type=int, default=300)
    parser.add_argument("--no-vnu", action="store_true")
    parser.add_argument("--axe-only", action="store_true", help="skip the link and HTML checks")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    began = time.perf_counter()
    report = None if args.axe_only else check_site(args.output, html_validator=not args.no_vnu, content=args.content)
    check_seconds = time.perf_counter() - began
    if report:
        print(report.summary(limit=20), flush=True)

    sample = axe_sample(args.output, args.axe_sample)
    began = time.perf_counter()
    axe_problems = run_axe(args.output, sample)
    axe_seconds = time.perf_counter() - began
    kinds = sorted({kind_of(page) for page in sample})
    print(f"axe-core: {len(sample)} pages ({len(kinds)} kinds, the largest of each and {args.axe_sample} at random) "
          f"in {axe_seconds:.0f} s: {len(axe_problems)} with violations", flush=True)
    for page, found in list(axe_problems.items())[:20]:
        print(f"  {page}: {'; '.join(found)}")
    result = {
        "output": str(args.output),
        **({"pages": report.pages, "links": report.links, "problems": len(report.problems),
            "vnu_pages": report.validated, "vnu_seconds": report.vnu_seconds,
            "check_seconds": round(check_seconds, 1)} if report else {}),
        "axe_pages": len(sample), "axe_kinds": kinds, "axe_pages_with_violations": len(axe_problems),
        "axe_seconds": round(axe_seconds, 1),
    }
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps(result, indent=1))
    return 0 if (report is None or report.ok) and not axe_problems else 1


if __name__ == "__main__":
    sys.exit(main())
