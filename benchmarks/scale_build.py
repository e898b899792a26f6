"""Our build against Hugo at 10,000, 50,000 and 100,000 recommendations, in one run.

    .venv/bin/python benchmarks/scale_build.py [--scales 10000,50000,100000] [--work DIR]
        [--no-hugo] [--no-pagefind] [--json FILE] [--worktree | --commit REV] [--add FILE]

The machines are shared and noisy: compare the figures of one run with each other (the ratios
printed), not with another run's; each scale's load average is recorded beside them.

What is measured (KB and MB are 1,000 and 1,000,000 bytes):

- The code. By default the committed HEAD (`git rev-parse --short HEAD`, printed), exported with
  `git archive` into WORK/code-<hash> and put first on PYTHONPATH for every step, so work in
  progress in the tree is not measured; `--worktree` measures the tree as it is (`+dirty` when
  site_builder/ or templates/ differ from HEAD).
- The archives. `benchmarks/scale_corpus.py WORK/archive-N --recommendations N`: the 26 real
  reports plus synthetic ones recombined from them (its docstring says how), N recommendations
  in all. Kept in WORK with the generator's summary (WORK/archive-N.json), so a rerun with the
  same --work reuses them.
- Our build: `site-builder build --content WORK/archive-N --output WORK/ours-N --clean` in its own
  process, into an empty WORK/ours-N, as Hugo's destination is (an earlier run's output and
  cache are deleted first, untimed). Wall time (perf_counter around the process); CPU time and the largest process's peak
  RSS from `/usr/bin/time -v` (User + System time, "Maximum resident set size"); the process
  tree's peak, the sum over the process and its descendants sampled every 0.2 s from
  /proc/PID/smaps_rollup, as RSS and as PSS, which counts the pages forked workers share with
  their parent once ("peak RSS MB" is this PSS: the memory the build holds); pages from the "Built N pages" line; the stage times from its
  "Parsing reports: 77 in 5.3 s" lines. Output: bytes and files of WORK/ours-N, the HTML pages
  among them, the largest one, and how many are over 200 KB.
- Adding one report: first an incremental build with nothing changed (timed, reported as "cache
  fill"): it fills what the clean build did not keep, and it leaves the site it replaces as the
  spare the next build starts from (site_builder/write.py), as any archive built more than
  once has. Then a report the archive lacks is copied
  into its reports/ and `site-builder build` (incremental) is timed; it is removed again
  afterwards, so the archive stays as generated. Its ratio is to the clean build. The report:
  --add FILE, else the next review to be held, made by scale_corpus.py's recipe for the last
  session of the last cycle (`generated_report`): new reports are the latest session's. An old
  review filled in costs more (the search index numbers docs in the order reviews were held, so
  every later doc moves): give it with --add to measure that case.
- Hugo (Debian's, `apt-get install -y hugo` when `hugo` is missing; skipped with a message if
  that fails). `benchmarks/hugo/convert.py` turns our build's JSON exports (and, for what they
  do not hold, the `parse --json` contract of each report) into a Hugo site, WORK/hugo-site-N,
  with the layouts of benchmarks/hugo/ (the same pages: reviews, their tables, recommendations,
  states, themes, the lists of 200 rows a page — all recommendations, each state's, each
  theme's —, prose, search frame, 404, with their charts drawn and counted in Hugo's templates;
  only our "same ask elsewhere" lists, made from our search index, are left out, and the
  "Across cycles" lists are computed by convert.py into front matter, outside the timed render);
  its time is reported apart. Timed: `hugo --source WORK/hugo-site-N --destination WORK/hugo-N
  --quiet --minify=false` alone, measured like our build. Hugo uses every core by default
  (GOMAXPROCS = the machine's cores): "cores busy", CPU time / wall time, says how many each
  kept busy. Its pages are its HTML files less its redirect page (/recommendations/page/1/).
  Our build does more than render HTML (the search index, related lists, CSV/JSON exports), so
  its "Rendering pages" stage is set against Hugo's render too.
- Pagefind over our output: `python -m pagefind --site WORK/ours-N --output-path
  WORK/pagefind-N` when `import pagefind` works (`pip install 'pagefind[bin]'`), timed the same
  way; the index's bytes and files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
CONVERT = ROOT / "benchmarks" / "hugo" / "convert.py"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_measure import checked, measure, summary  # noqa: E402
from scale_report import PAGE_LIMIT, format_table, ratio_rows, table_rows, warnings  # noqa: E402


# --- The code, the archives, the output ---------------------------------------------------------

def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def code_under_test(work: Path, worktree: bool, revision: str) -> tuple[Path, str]:
    """The folder whose site_builder is measured, and what it is (a commit, maybe `+dirty`)."""
    commit = git("rev-parse", "--short", revision)
    if worktree:
        dirty = git("status", "--porcelain", "--", "site_builder", "templates")
        return ROOT, commit + ("+dirty" if dirty else "")
    folder = work / f"code-{commit}"
    if not folder.exists():
        archive = work / f"code-{commit}.tar"
        subprocess.run(["git", "archive", "-o", str(archive), commit, "site_builder", "templates", "content",
                        "benchmarks"], cwd=ROOT, check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(folder)
        archive.unlink()
    return folder, commit


def ensure_archive(work: Path, recommendations: int, code: Path, env: dict[str, str]) -> tuple[Path, dict]:
    folder, done = work / f"archive-{recommendations}", work / f"archive-{recommendations}.json"
    for added in [*(CORPUS / "recent").glob("*.txt"), *(work / "added").glob("*.txt")]:
        (folder / "reports" / added.name).unlink(missing_ok=True)  # left by a run stopped while adding one
    if folder.exists() and done.exists():
        # A kept archive takes the measured code's prose pages and settings: the pages link into
        # them (/method/#themes), and an old copy would fail the link check at scale.
        shutil.copy(code / "content" / "site.yaml", folder / "site.yaml")
        shutil.rmtree(folder / "pages", ignore_errors=True)
        shutil.copytree(code / "content" / "pages", folder / "pages")
        return folder, json.loads(done.read_text())
    run = checked(measure([sys.executable, str(code / "benchmarks" / "scale_corpus.py"), str(folder),
                           "--recommendations", str(recommendations), "--corpus", str(CORPUS)], env), "generating the archive")
    made = {"summary": run.stdout.strip().splitlines()[0], "seconds": run.seconds}
    done.write_text(json.dumps(made, indent=1))
    return folder, made


def folder_stats(folder: Path) -> dict:
    """Bytes and files of a built site; its HTML pages, the largest, those over PAGE_LIMIT."""
    total = files = html = html_bytes = redirects = over = 0
    largest = (0, "")
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        size = path.stat().st_size
        total, files = total + size, files + 1
        if path.suffix != ".html":
            continue
        if size < 2000 and 'http-equiv="refresh"' in path.read_text(errors="replace"):
            redirects += 1  # Hugo's alias page for /recommendations/page/1/
            continue
        html, html_bytes = html + 1, html_bytes + size
        over += size > PAGE_LIMIT
        largest = max(largest, (size, str(path.relative_to(folder))))
    return {"bytes": total, "files": files, "html_pages": html, "html_bytes": html_bytes,
            "redirect_pages": redirects, "largest_page_bytes": largest[0], "largest_page": largest[1],
            "pages_over_200kb": over}


# --- Our build ----------------------------------------------------------------------------------

def site_builder(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("site-builder")), *args]


def stage_times(stderr: str) -> dict[str, float]:
    """`Rendering pages: 10383 in 14.4 s` lines → {"Rendering pages": 14.4}."""
    return {name: float(seconds) for name, seconds in re.findall(r"^(\w[\w ]*): \d+ in ([\d.]+) s(?:;.*)?$", stderr, re.M)}


def our_build(content: Path, output: Path, env: dict[str, str], clean: bool) -> dict:
    run = checked(measure(site_builder("build", "--content", str(content), "--output", str(output),
                                       *(["--clean"] if clean else [])), env), "site-builder build")
    built = re.search(r"Built (\d+) pages \((\d+) files, (\d+) made anew\)", run.stdout)
    return {**summary(run), "pages": int(built.group(1)), "files_written": int(built.group(2)),
            "made_anew": int(built.group(3)), "stages": stage_times(run.stderr)}


def generated_report(work: Path, code: Path, held: set[str]) -> Path:
    """A synthetic report made as benchmarks/scale_corpus.py makes them: the next review to be
    held, at the last Working Group session of the last cycle, of the first state that has no
    review in that cycle, under a symbol no generated report reaches (A/HRC/<session>/900);
    written to WORK/added/. New UPR reports are those of the latest session: this is the one
    CI sees when the UN publishes a report."""
    sys.path.insert(0, str(code / "benchmarks"))
    import scale_corpus as corpus
    from site_builder.parse import parse_file
    from site_builder.states import load_registry

    real = sorted((code / "content" / "reports").glob("*.txt")) + sorted((CORPUS / "reports").glob("*.txt"))
    sources, names, rng = corpus.read_sources(real), corpus.display_names(), random.Random(0)
    state, cycle = next((state, cycle) for cycle in range(corpus.CYCLES, 0, -1) for state in load_registry().all()
                        if f"{state.slug}-cycle-{cycle}" not in held and (state.iso3, cycle) not in sources.keys)
    session = corpus.session_range(cycle)[-1]
    items = tuple(rng.sample(range(len(sources.pool)), round(statistics.mean(sources.sizes))))
    path = work / "added" / f"added-{state.slug}-cycle-{cycle}.txt"
    path.parent.mkdir(exist_ok=True)
    for number, template in enumerate(sources.templates):  # the next template when one does not parse
        plan = corpus.Plan(number, state.iso3, names[state.iso3], session, f"A/HRC/{session + 8}/900", items)
        path.write_text(corpus.render(plan, template, sources.pool, rng), encoding="utf-8")
        report = parse_file(path)
        if len(report.recommendations) == len(items) and report.review.state_under_review == state:
            return path
    raise SystemExit("no template gave a synthetic report that parses")


def report_to_add(chosen: Path | None, output: Path, work: Path, code: Path) -> Path:
    """--add FILE; else a generated report of the latest session. (The real recent reports
    are of cycle 4, older than the archive's synthetic cycles 5 and 6: added, they would be
    an old report filled in, not a new one.)"""
    if chosen:
        return chosen
    held = {path.stem for path in (output / "data" / "reviews").glob("*.json")}
    return generated_report(work, code, held)


def add_one(content: Path, output: Path, env: dict[str, str], report: Path) -> dict:
    fill = our_build(content, output, env, clean=False)
    target = content / "reports" / report.name
    shutil.copy(report, target)
    try:
        added = our_build(content, output, env, clean=False)
    finally:
        target.unlink()
    return {"cache_fill": fill, "report": str(report), **added}


# --- Hugo and Pagefind --------------------------------------------------------------------------

def ensure_hugo() -> tuple[str | None, str]:
    """Hugo's path (None: skip it) and what was done to get it."""
    if shutil.which("hugo"):
        return shutil.which("hugo"), "found on PATH"
    print("hugo is not installed: running `apt-get install -y hugo` (Debian's hugo)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for attempt in (["apt-get", "install", "-y", "hugo"], ["apt-get", "update"], ["apt-get", "install", "-y", "hugo"]):
        subprocess.run(attempt, env=env, capture_output=True)
        if shutil.which("hugo"):
            return shutil.which("hugo"), "installed by this run with apt-get install -y hugo"
    print("could not install hugo with apt-get: skipping Hugo")
    return None, "apt-get install -y hugo failed"


def hugo(binary: str, content: Path, output: Path, work: Path, n: int, env: dict[str, str], code: Path) -> dict:
    site, public = work / f"hugo-site-{n}", work / f"hugo-{n}"
    for ours in (site, public):  # both made by an earlier run of this benchmark
        if ours.exists():
            shutil.rmtree(ours)
    conversion = checked(measure([sys.executable, str(CONVERT), "--content", str(content), "--output", str(output),
                                  "--site", str(site), "--templates", str(code / "templates")], env),
                         "converting the exports for Hugo")
    render = checked(measure([binary, "--source", str(site), "--destination", str(public), "--quiet",
                              "--minify=false"]), "hugo")
    return {"conversion": {**summary(conversion), **json.loads(conversion.stdout)},
            "render": summary(render), "output": folder_stats(public)}


def pagefind(output: Path, work: Path, n: int) -> dict:
    index = work / f"pagefind-{n}"
    if index.exists():
        shutil.rmtree(index)
    run = checked(measure([sys.executable, "-m", "pagefind", "--site", str(output), "--output-path", str(index)]),
                  "pagefind")
    stats = folder_stats(index)
    return {**summary(run), "index_bytes": stats["bytes"], "index_files": stats["files"]}


def version(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


# --- One scale, then the table ------------------------------------------------------------------

def bench_scale(n: int, args: argparse.Namespace, code: Path, env: dict[str, str], hugo_binary: str | None) -> dict:
    print(f"\n== {n:,} recommendations (load average {os.getloadavg()[0]:.1f})", flush=True)
    content, made = ensure_archive(args.work, n, code, env)
    print(f"  archive: {made['summary']}", flush=True)
    output = args.work / f"ours-{n}"
    result: dict = {"scale": n, "load_average": os.getloadavg(), "archive": made}
    # Both start from nothing, as Hugo's destination does: deleting an earlier run's 130,000
    # files took 70 s of our 100k build, which Hugo was never asked to do.
    for earlier in (output, output.parent / f".site-builder-cache-{output.name}",
                    output.parent / f".{output.name}.spare"):
        if earlier.exists():
            shutil.rmtree(earlier)
    result["ours"] = our_build(content, output, env, clean=True)
    result["ours"]["output"] = folder_stats(output)
    print(f"  ours: {result['ours']['pages']:,} pages in {result['ours']['seconds']:.1f} s", flush=True)
    if hugo_binary:
        result["hugo"] = hugo(hugo_binary, content, output, args.work, n, env, code)
        print(f"  hugo: {result['hugo']['output']['html_pages']:,} pages in "
              f"{result['hugo']['render']['seconds']:.1f} s", flush=True)
    if args.pagefind:
        result["pagefind"] = pagefind(output, args.work, n)
        print(f"  pagefind: {result['pagefind']['seconds']:.1f} s", flush=True)
    report = report_to_add(args.add, output, args.work, code)
    result["add_one"] = add_one(content, output, env, report)
    print(f"  add one ({report.name}): {result['add_one']['seconds']:.1f} s", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="10000,50000,100000", help="recommendations per archive, comma-separated")
    parser.add_argument("--work", type=Path, default=None, help="archives and outputs (default: a new temp dir)")
    parser.add_argument("--no-hugo", dest="hugo", action="store_false")
    parser.add_argument("--no-pagefind", dest="pagefind", action="store_false")
    parser.add_argument("--json", type=Path, default=None, help="write every figure to this file")
    parser.add_argument("--worktree", action="store_true", help="measure the working tree, not HEAD")
    parser.add_argument("--commit", default="HEAD", help="measure this commit (default HEAD), e.g. a baseline")
    parser.add_argument("--add", type=Path, default=None, help="the report to add (default: one of corpus/recent)")
    args = parser.parse_args(argv)
    args.work = (args.work or Path(tempfile.mkdtemp(prefix="scale-build-"))).resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]

    code, commit = code_under_test(args.work, args.worktree, args.commit)
    sys.path.insert(0, str(code))  # report_to_add parses with the code under test
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(code), os.environ.get("PYTHONPATH")]))}
    hugo_binary, hugo_how = ensure_hugo() if args.hugo else (None, "--no-hugo")
    if args.pagefind and importlib.util.find_spec("pagefind") is None:
        print("pagefind is not installed (pip install 'pagefind[bin]'): skipping Pagefind")
        args.pagefind = False
    header = {
        "commit": commit, "code": str(code), "work": str(args.work), "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cores": os.cpu_count(), "hugo": version([hugo_binary, "version"]) if hugo_binary else None, "hugo_how": hugo_how,
        "pagefind": version([sys.executable, "-m", "pagefind", "--version"]) if args.pagefind else None,
    }
    print(f"site_builder {commit} ({code}); work dir {args.work}; {os.cpu_count()} cores")
    if hugo_binary:
        print(f"{header['hugo']} ({hugo_how}); Hugo renders on all {os.cpu_count()} cores by default "
              "(\"cores busy\" below is CPU time / wall time, for both)")

    results = [bench_scale(n, args, code, env, hugo_binary) for n in scales]
    print(f"\nsite_builder {commit}, {header['date']}, {os.cpu_count()} cores; one run, compare within it\n")
    print(format_table(table_rows(results)))
    if any("hugo" in r for r in results):
        print("\nours against Hugo (HTML only: our output also holds the search index and the data exports)\n")
        print(format_table(ratio_rows(results)))
    for warning in warnings(results):
        print(f"note: {warning}")
    if args.json:
        args.json.write_text(json.dumps({**header, "results": results}, indent=1) + "\n")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
