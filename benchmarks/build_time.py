"""Build time per page, on the seed alone and on the seed with ../shared/corpus/reports, and
the time to add one report to the built archive.

    .venv/bin/python benchmarks/build_time.py [--corpus ../shared/corpus] [--repeat 3]

Reports the median of several clean builds of each archive, split into the build's stages
(parsing, indexing for search, rendering pages — on every core —, writing the other files), with
pages, recommendations and output size; then, for the larger archive, a build of
it without its last report followed by the incremental build that adds it back. Figures are
for comparing runs on one machine: quote ratios, not absolute times, from a shared machine.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from site_builder.build import build, report_files
from site_builder.progress import Progress

ROOT = Path(__file__).resolve().parents[1]


class StageTimes(Progress):
    """Records how long each stage of a build takes."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name, total):
        started = time.perf_counter()
        yield lambda: None
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def measure(content: Path, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            times = StageTimes()
            started = time.perf_counter()
            result = build(content, Path(out) / "output", progress=times, incremental=False)
            total = time.perf_counter() - started
            size = sum(p.stat().st_size for p in (Path(out) / "output").rglob("*") if p.is_file())
        runs.append({"parse": times.seconds["Parsing reports"], "index": times.seconds["Indexing for search"],
                     "render": times.seconds["Rendering pages"], "write": times.seconds["Writing files"],
                     "total": total})
    return {
        "reports": result.reports, "recommendations": result.recommendations, "pages": result.pages,
        "bytes": size, **{key: statistics.median(run[key] for run in runs) for key in runs[0]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    archives = {"seed": ROOT / "content"}
    with tempfile.TemporaryDirectory() as scratch:
        if (args.corpus / "reports").is_dir():
            content = Path(scratch) / "content"
            shutil.copytree(ROOT / "content", content)
            for report in sorted((args.corpus / "reports").glob("*.txt")):
                shutil.copy(report, content / "reports" / report.name)
            archives["seed + corpus"] = content
        print(f"{'archive':<14} {'reports':>7} {'recs':>6} {'pages':>6} {'MB':>6} {'parse s':>8} "
              f"{'index s':>8} {'render s':>9} {'write s':>8} {'total s':>8} {'ms/page':>8}")
        results = {}
        for name, content in archives.items():
            m = results[name] = measure(content, args.repeat)
            print(f"{name:<14} {m['reports']:>7} {m['recommendations']:>6} {m['pages']:>6} "
                  f"{m['bytes'] / 1e6:>6.1f} {m['parse']:>8.2f} {m['index']:>8.2f} {m['render']:>9.2f} {m['write']:>8.2f} "
                  f"{m['total']:>8.2f} {1000 * m['total'] / m['pages']:>8.2f}")
        if len(archives) > 1:
            print()
            add_one_report(archives["seed + corpus"], Path(scratch), results["seed + corpus"])


def add_one_report(content: Path, scratch: Path, full: dict) -> None:
    """A built archive, then one more report: how long the incremental build takes."""
    last = sorted(report_files(content))[-1]
    held_back = scratch / "held-back" / last.name
    held_back.parent.mkdir()
    shutil.move(last, held_back)
    output = scratch / "incremental" / "output"
    build(content, output)
    shutil.move(held_back, last)
    started = time.perf_counter()
    result = build(content, output)
    seconds = time.perf_counter() - started
    print(f"adding {last.name} to the built archive: {seconds:.2f} s, {result.rendered} of "
          f"{result.files} files made anew; a clean build: {full['total']:.2f} s "
          f"({100 * seconds / full['total']:.0f} %)")


if __name__ == "__main__":
    main()
