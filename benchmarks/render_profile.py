"""Which pages a build renders, and how long each kind takes: every page the renderers make
anew is timed, and the times are summed by template.

    .venv/bin/python benchmarks/render_profile.py CONTENT OUTPUT

Builds CONTENT into OUTPUT as `site-builder build` does (incrementally, when OUTPUT holds an
earlier build), so that, run after a report is added to CONTENT, it tells where the addition's
rendering goes (the README's scale section quotes it at 100k). Pages reused from the last build
are not rendered and not counted. Times are of one core each, summed over the renderers.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from site_builder import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path)
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        render_page = build.render_page

        def timed(env, page):
            started = time.perf_counter()
            html = render_page(env, page)
            # each renderer is a forked process: one short line appended per page
            line = f"{page.template}\t{time.perf_counter() - started:.6f}\t{len(html)}\n"
            descriptor = os.open(log.name, os.O_WRONLY | os.O_APPEND)
            os.write(descriptor, line.encode())
            os.close(descriptor)
            return html

        build.render_page = timed
        started = time.perf_counter()
        result = build.build(args.content, args.output)
        seconds = time.perf_counter() - started
        pages: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for line in log:
            template, took, size = line.split("\t")
            pages[template].append((float(took), int(size)))
    print(f"built {result.pages:,} pages in {seconds:.1f} s; {result.rendered:,} files made anew")
    print(f"{'template':<28}{'pages':>7}{'seconds':>9}{'ms/page':>9}{'KB/page':>9}")
    for template, timings in sorted(pages.items(), key=lambda item: -sum(t for t, _ in item[1])):
        total = sum(t for t, _ in timings)
        print(f"{template:<28}{len(timings):>7}{total:>9.2f}{1000 * total / len(timings):>9.1f}"
              f"{sum(s for _, s in timings) / len(timings) / 1000:>9.0f}")
    everything = [t for timings in pages.values() for t, _ in timings]
    print(f"{'all':<28}{len(everything):>7}{sum(everything):>9.2f}")


if __name__ == "__main__":
    main()
