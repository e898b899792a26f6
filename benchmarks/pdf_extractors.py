"""Which PDF text extractor gives the most faithful parse of the UN's recent reports?

    python benchmarks/pdf_extractors.py [--corpus ../shared/corpus] [--verbose]

Run it from a Python that has the candidate libraries (none is a dependency of the project):

    python3 -m venv /tmp/pdfbench && /tmp/pdfbench/bin/pip install -e . pypdf pdfplumber pypdfium2 pymupdf
    /tmp/pdfbench/bin/python benchmarks/pdf_extractors.py

For each Working Group report PDF in <corpus>/recent (the `_Add1` addendum is not a report on its
own and is left out), every importable extractor's text goes through `read.clean_text` and
`parse.parse_report`, and the result is checked against recent/truth.json: recommendation count,
first and last id, counts by position, state attributions (a clustered id counts the states of
each part) and delegations that spoke. The recommendations are also compared with the parse of
`pdftotext -layout` (what `read.pdf_to_text` uses): ids in common, and the share of its
recommendation texts that come out identical. Extraction time is the median of 3 runs.

The Python libraries return one string per page; pages are joined with a form feed, as
pdftotext does, because the layout stage finds running headers and footers by page.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from site_builder.model import NOTED, PENDING, SUPPORTED, Report  # noqa: E402
from site_builder.parse import parse_report  # noqa: E402
from site_builder.read import clean_text  # noqa: E402
from site_builder.states import load_registry  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
BASELINE = "pdftotext -layout"
RUNS = 3
N_CHECKS = 8  # the figures truth_checks compares


# --- The extractors ------------------------------------------------------------------------------

def _pdftotext(*flags: str) -> Callable[[Path], str]:
    def extract(path: Path) -> str:
        result = subprocess.run(["pdftotext", *flags, "-enc", "UTF-8", str(path), "-"],
                                capture_output=True, timeout=120, check=True)
        return result.stdout.decode("utf-8", "replace")
    return extract


def _pypdf(**options) -> Callable[[Path], str]:
    def extract(path: Path) -> str:
        import pypdf
        reader = pypdf.PdfReader(str(path))
        return "\f".join(page.extract_text(**options) or "" for page in reader.pages) + "\f"
    return extract


def _pdfplumber(**options) -> Callable[[Path], str]:
    def extract(path: Path) -> str:
        import pdfplumber
        with pdfplumber.open(str(path)) as pdf:
            return "\f".join(page.extract_text(**options) or "" for page in pdf.pages) + "\f"
    return extract


def _pypdfium2(path: Path) -> str:
    import pypdfium2
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return "\f".join(pages) + "\f"
    finally:
        pdf.close()


def _pymupdf(**options) -> Callable[[Path], str]:
    def extract(path: Path) -> str:
        import pymupdf
        with pymupdf.open(str(path)) as doc:
            return "\f".join(page.get_text("text", **options) for page in doc) + "\f"
    return extract


# name, module to import (None: an executable), extract function
CANDIDATES: list[tuple[str, str | None, Callable[[Path], str]]] = [
    (BASELINE, None, _pdftotext("-layout")),
    ("pdftotext (raw)", None, _pdftotext()),
    ("pypdf", "pypdf", _pypdf()),
    ("pypdf layout", "pypdf", _pypdf(extraction_mode="layout")),
    ("pdfplumber layout", "pdfplumber", _pdfplumber(layout=True)),
    ("pdfplumber", "pdfplumber", _pdfplumber()),
    ("pypdfium2", "pypdfium2", _pypdfium2),
    ("pymupdf", "pymupdf", _pymupdf()),
    ("pymupdf sort", "pymupdf", _pymupdf(sort=True)),
]


def available() -> tuple[list[tuple[str, Callable[[Path], str]]], list[str]]:
    """The extractors that can run here, and a note for each that cannot."""
    usable, missing = [], []
    for name, module, extract in CANDIDATES:
        if module is None:
            if shutil.which("pdftotext") is None:
                missing.append(f"{name}: poppler's pdftotext is not installed")
                continue
        else:
            try:
                __import__(module)
            except ImportError as error:
                missing.append(f"{name}: {module} is not importable ({error})")
                continue
        usable.append((name, extract))
    return usable, missing


# --- Checking a parse -----------------------------------------------------------------------------

def attributions(report: Report) -> int:
    return sum(sum(len(p.recommended_by) for p in rec.parts) if rec.parts else len(rec.recommended_by)
               for rec in report.recommendations)


def truth_checks(report: Report, truth: dict) -> list[tuple[str, object, object]]:
    """(check, ours, truth) for each figure truth.json gives."""
    recs = report.recommendations
    counts = report.counts_by_position()
    sur = report.review.state_under_review
    return [
        ("recommendations", len(recs), truth["recommendations"]),
        ("first_id", recs[0].id if recs else None, truth["first_id"]),
        ("last_id", recs[-1].id if recs else None, truth["last_id"]),
        *((f"positions.{p}", counts[p], truth["positions"].get(p, 0)) for p in (SUPPORTED, NOTED, PENDING)),
        ("attributions", attributions(report), truth["recommending_state_attributions"]),
        ("delegations", len([s for s in report.speakers if s != sur]), truth["delegations_made_statements"]),
    ]


def states_of(rec) -> tuple[str, ...]:
    """The recommending states of one recommendation, each part's in turn for a clustered id."""
    states = [s for p in rec.parts for s in p.recommended_by] if rec.parts else rec.recommended_by
    return tuple(sorted(s.iso3 for s in states))


def compare_texts(report: Report, baseline: Report) -> dict:
    """How this parse's recommendations compare with the baseline parse's."""
    ours = {rec.id: rec.text for rec in report.recommendations}
    theirs = {rec.id: rec.text for rec in baseline.recommendations}
    our_states = {rec.id: states_of(rec) for rec in report.recommendations}
    same_states = sum(our_states.get(rec.id) == states_of(rec) for rec in baseline.recommendations)
    same = [i for i in theirs if ours.get(i) == theirs[i]]
    squash = lambda s: " ".join(s.split())  # noqa: E731
    same_ws = [i for i in theirs if i in ours and squash(ours[i]) == squash(theirs[i])]
    differing = [(i, ours[i], theirs[i]) for i in theirs if i in ours and ours[i] != theirs[i]]
    return {"ids_common": len(set(ours) & set(theirs)), "ids_baseline": len(theirs), "ids_ours": len(ours),
            "identical": len(same), "identical_ws": len(same_ws), "same_states": same_states, "differing": differing,
            "missing": sorted(set(theirs) - set(ours)), "extra": sorted(set(ours) - set(theirs))}


# --- Running ----------------------------------------------------------------------------------------

def run(corpus: Path) -> dict:
    recent = corpus / "recent"
    truth = json.loads((recent / "truth.json").read_text(encoding="utf-8"))
    pdfs = sorted(p for p in recent.glob("*.pdf") if not p.stem.endswith("_Add1"))
    extractors, missing = available()
    registry = load_registry()
    rows: list[dict] = []
    for path in pdfs:
        parsed: dict[str, Report] = {}
        for name, extract in extractors:
            row = {"extractor": name, "report": path.stem, "error": None, "checks": [], "compare": None,
                   "seconds": None}
            rows.append(row)
            try:
                times = []
                for _ in range(RUNS):
                    start = time.perf_counter()
                    text = extract(path)
                    times.append(time.perf_counter() - start)
                row["seconds"] = statistics.median(times)
            except Exception as error:  # an extractor that fails is a result, not a crash
                row["error"] = f"extraction failed: {type(error).__name__}: {error}"
                continue
            try:
                report = parse_report(clean_text(text), path, registry)
            except Exception as error:
                row["error"] = f"parse failed: {type(error).__name__}: {error}"
                continue
            parsed[name] = report
            if path.stem in truth:
                row["checks"] = truth_checks(report, truth[path.stem])
        baseline = parsed.get(BASELINE)
        for row in rows:
            if row["report"] == path.stem and baseline is not None and row["extractor"] in parsed:
                row["compare"] = compare_texts(parsed[row["extractor"]], baseline)
    return {"rows": rows, "missing": missing, "extractors": [name for name, _ in extractors],
            "reports": [p.stem for p in pdfs], "addenda": probe_addenda(recent, truth, extractors)}


_ID = re.compile(r"(?<![\d.])(\d{2,3})\.(\d+)(?![\d.]*\d)")


def probe_addenda(recent: Path, truth: dict, extractors: list) -> list[dict]:
    """The addenda are not parsed here, but their id ranges are what breaks first: an id past the
    last one truth.json gives for the addendum (`122.6266` where the last is 122.157) is a range
    whose line-end hyphen the extractor swallowed."""
    probes = []
    for path in sorted(recent.glob("*_Add1.pdf")):
        facts = truth.get(path.stem, {})
        if "." not in str(facts.get("last_id", "")):
            continue
        para, last = (int(x) for x in facts["last_id"].split("."))
        for name, extract in extractors:
            try:
                text = clean_text(extract(path))
            except Exception as error:
                probes.append({"extractor": name, "report": path.stem, "error": f"{type(error).__name__}: {error}"})
                continue
            joined = sorted({m.group(0) for m in _ID.finditer(text)
                             if int(m.group(1)) == para and int(m.group(2)) > last})
            probes.append({"extractor": name, "report": path.stem, "error": None, "joined": joined})
    return probes


def totals(rows: list[dict], name: str) -> dict:
    mine = [r for r in rows if r["extractor"] == name]
    checks = [c for r in mine for c in r["checks"]]
    compared = [r["compare"] for r in mine if r["compare"]]
    # a report that failed to parse counts as zero identical texts against the baseline's ids
    all_baseline = sum(r2["compare"]["ids_baseline"] for r2 in rows
                       if r2["extractor"] == BASELINE and r2["compare"])
    secs = [r["seconds"] for r in mine if r["seconds"] is not None]
    return {"ok": sum(ours == want for _, ours, want in checks),
            "checks": N_CHECKS * len(mine),  # a failed parse counts as every check failed
            "errors": sum(1 for r in mine if r["error"]),
            "identical": sum(c["identical"] for c in compared) / all_baseline if all_baseline else None,
            "seconds": statistics.mean(secs) if secs else None}


def pct(value: float | None) -> str:
    return "  n/a" if value is None else f"{100 * value:5.1f}%"


def print_table(result: dict, verbose: bool) -> None:
    rows = result["rows"]
    header = f"{'extractor':18} {'report':20} {'checks':>6} {'ids':>9} {'same text':>9} {'states':>7} {'s/PDF':>6}  notes"
    print(header)
    print("-" * len(header))
    for name in result["extractors"]:
        for row in (r for r in rows if r["extractor"] == name):
            short = row["report"].split("_A_HRC")[0]
            secs = f"{row['seconds']:6.2f}" if row["seconds"] is not None else "     -"
            if row["error"]:
                print(f"{name:18} {short:20} {'0/' + str(N_CHECKS):>6} {'-':>9} {'-':>9} {'-':>7} {secs}  ERROR {row['error'][:110]}")
                continue
            ok = sum(ours == want for _, ours, want in row["checks"])
            c = row["compare"]
            ids = f"{c['ids_common']}/{c['ids_baseline']}" if c else "-"
            same = pct(c["identical"] / c["ids_baseline"]) if c and c["ids_baseline"] else "  n/a"
            states = f"{c['same_states']}/{c['ids_baseline']}" if c else "-"
            bad = [f"{k} {ours}≠{want}" for k, ours, want in row["checks"] if ours != want]
            ws = ""
            if c and c["identical_ws"] != c["identical"]:
                ws = f"{100 * c['identical_ws'] / c['ids_baseline']:.0f}% same after squashing spaces; "
            print(f"{name:18} {short:20} {ok:>2}/{len(row['checks']):<3} {ids:>9} {same:>9} {states:>7} {secs}  {ws}{'; '.join(bad)}")
            if verbose and c:
                for rec_id, ours, theirs in c["differing"][:5]:
                    print(f"      {rec_id}\n        ours:     {ours[:300]!r}\n        baseline: {theirs[:300]!r}")
                if c["missing"] or c["extra"]:
                    print(f"      ids missing {c['missing'][:10]} extra {c['extra'][:10]}")
    print()
    print(f"{'extractor':18} {'checks':>7} {'same text':>9} {'mean s/PDF':>10}")
    summary = {name: totals(rows, name) for name in result["extractors"]}
    for name, t in summary.items():
        secs = f"{t['seconds']:10.2f}" if t["seconds"] is not None else "         -"
        print(f"{name:18} {t['ok']:>3}/{t['checks']:<3} {pct(t['identical']):>9} {secs}")
    for probe in result["addenda"]:
        what = (f"ERROR {probe['error']}" if probe["error"] else
                f"impossible ids (joined ranges): {' '.join(probe['joined'])}" if probe["joined"] else "ranges intact")
        print(f"addendum {probe['report'].split('_A_HRC')[0]} {probe['extractor']:18} {what}")
    for note in result["missing"]:
        print(f"skipped: {note}")
    if summary:
        print(verdict(summary))


def verdict(summary: dict) -> str:
    """Most truth checks, then most texts identical to the baseline; the incumbent wins a tie unless
    a tied challenger is at least twice as fast (timings of a few hundredths of a second are noise)."""
    score = lambda n: (summary[n]["ok"], summary[n]["identical"] or 0)  # noqa: E731
    best = [n for n in summary if score(n) == max(map(score, summary))]
    pick = BASELINE if BASELINE in best else best[0]
    faster = [n for n in best if (summary[n]["seconds"] or 1e9) * 2 <= (summary[pick]["seconds"] or 1e9)]
    pick = min(faster, key=lambda n: summary[n]["seconds"]) if faster else pick
    b = summary[pick]
    tied = [n for n in best if n != pick]
    others = [f"{n} {summary[n]['ok']}/{summary[n]['checks']}, {pct(summary[n]['identical']).strip()}"
              for n in summary if n not in best]
    return (f"\nVerdict: keep {pick}" if pick == BASELINE else f"\nVerdict: switch to {pick}") + (
        f" ({b['ok']}/{b['checks']} truth checks, {b['seconds']:.2f} s/PDF)"
        + (f"; equally faithful (identical recommendations): {', '.join(tied)}" if tied else "")
        + (f"; less faithful: {'; '.join(others)}" if others else "") + ".")

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="show up to 5 differing texts per row")
    args = parser.parse_args(argv)
    if not (args.corpus / "recent" / "truth.json").exists():
        parser.error(f"{args.corpus} has no recent/truth.json")
    print_table(run(args.corpus), args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
