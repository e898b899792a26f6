"""How well the parser reads the development corpus: the figures the project quotes.

    .venv/bin/python scripts/corpus_accuracy.py [--corpus ../shared/corpus] [--verbose] [--json]

Prints (1) every report parsed, (2) agreement with reference/ (ids, positions, recommending
states: strictly and after excusing the reference's habit of keeping only the last bracketed
group), (3) checks against recent/truth.json from the .txt and the .pdf, (4) a summary against the
targets. The report text is the truth: --verbose lists every disagreement for a person to read.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from site_builder.errors import ReportError  # noqa: E402
from site_builder.model import POSITIONS, Report  # noqa: E402
from site_builder.parse import parse_file  # noqa: E402
from site_builder.states import Registry, load_registry  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
TARGETS = {"ids_exact": 0.98, "positions": 0.995, "states": 0.99}
NA = {"", "NA", "N/A"}


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- 1. Parsing every report -------------------------------------------------------------------

def parse(path: Path, registry: Registry) -> Report | str:
    """The parsed report, or the error message."""
    try:
        return parse_file(path, registry)
    except ReportError as error:
        return str(error)


def report_row(name: str, result: Report | str) -> dict:
    if isinstance(result, str):
        return {"report": name, "ok": False, "error": result}
    return {"report": name, "ok": True, "recommendations": len(result.recommendations),
            "positions": result.counts_by_position(), "warnings": len(result.warnings)}


# --- 2. Against the reference parse ----------------------------------------------------------------

def reference_states(field: str, registry: Registry) -> frozenset[str] | None:
    """ISO3 codes of a reference cell `Kuwait; Russia`; None for an NA cell. A name cut in two
    (`Venezuela; Bolivarian Republic of`) is joined again; an unknown name stays as `?name`."""
    names = [name.strip() for name in field.split(";") if name.strip() not in NA]
    if not names:
        return None
    codes: list[str] = []
    for index, name in enumerate(names):
        state = registry.resolve(name)
        joined = registry.resolve(f"{names[index - 1]}, {name}") if index else None
        if state is None and joined is not None and codes and codes[-1] == joined.iso3:
            continue  # the second half of a split name the first half already resolved
        codes.append(state.iso3 if state else f"?{name}")
    return frozenset(codes)


def read_reference(path: Path, registry: Registry) -> dict[str, tuple[str, frozenset[str] | None]]:
    """id → (position, states) for each row of a reference CSV, NA rows left out."""
    rows = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rec_id = (row.get("id") or "").strip()
            if rec_id in NA:
                continue
            rows[rec_id] = ((row.get("position") or "").strip(),
                            reference_states(row.get("recommending_states") or "", registry))
    return rows


def last_groups(path: Path, registry: Registry) -> dict[str, frozenset[str]]:
    """id → the states of the last bracketed group of each recommendation as printed.

    Uses the parser's own stages, so the raw item text is cut exactly as the parser cuts it."""
    from site_builder.parse.attribution import find_groups
    from site_builder.parse.layout import extract_body
    from site_builder.parse.paragraphs import split_paragraphs
    from site_builder.parse.recommendations import find_list
    from site_builder.read import read_report_text

    found: dict[str, frozenset[str]] = {}
    for paragraph in split_paragraphs(extract_body(read_report_text(path)).text).paragraphs:
        listed = find_list(paragraph)
        for rec_id, raw in listed.items if listed else []:
            groups = find_groups(raw, registry)
            found.setdefault(rec_id, frozenset(s.iso3 for s in groups[-1].states) if groups else frozenset())
    return found


def classify_states(ours: frozenset[str], last: frozenset[str], reference: frozenset[str]) -> str:
    """'agree', 'habit' (the reference kept only our last bracketed group) or 'disagree'."""
    if ours == reference:
        return "agree"
    return "habit" if last and last == reference else "disagree"


def compare_reference(name: str, report: Report | str, reference: dict, last: dict) -> dict:
    row = {"report": name, "parsed": not isinstance(report, str), "reference_ids": len(reference)}
    ours = {} if isinstance(report, str) else {rec.id: rec for rec in report.recommendations}
    row["ids_missing"] = sorted(set(reference) - set(ours), key=_id_key)
    row["ids_extra"] = sorted(set(ours) - set(reference), key=_id_key)
    row["ids_exact"] = row["parsed"] and not row["ids_missing"] and not row["ids_extra"]
    common = sorted(set(ours) & set(reference), key=_id_key)
    positions_off, states_off, counts = [], [], {"agree": 0, "habit": 0, "disagree": 0}
    for rec_id in common:
        rec, (ref_position, ref_states) = ours[rec_id], reference[rec_id]
        if rec.position != ref_position:
            positions_off.append({"report": name, "id": rec_id, "ours": rec.position,
                                  "reference": ref_position, "text": rec.text[:150]})
        if ref_states is None:
            continue
        our_states = frozenset(s.iso3 for s in rec.recommended_by)
        kind = classify_states(our_states, last.get(rec_id, frozenset()), ref_states)
        counts[kind] += 1
        if kind == "disagree":
            states_off.append({"report": name, "id": rec_id, "ours": sorted(our_states),
                               "reference": sorted(ref_states), "text": rec.text[:150]})
    row.update(positions_total=len(common), positions_agree=len(common) - len(positions_off),
               states_total=sum(counts.values()), states_strict=counts["agree"],
               states_habit=counts["agree"] + counts["habit"],
               position_disagreements=positions_off, state_disagreements=states_off)
    return row


def _id_key(rec_id: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in rec_id.replace("-", ".").split("."))


# --- 3. Against truth.json -------------------------------------------------------------------------

def attributions(report: Report) -> int:
    """(recommendation, state) pairs; a clustered id counts the states of each of its parts."""
    return sum(sum(len(p.recommended_by) for p in rec.parts) if rec.parts else len(rec.recommended_by)
               for rec in report.recommendations)


def truth_checks(report: Report, truth: dict, registry: Registry) -> list[dict]:
    state = registry.resolve(truth["state"])
    recs = report.recommendations
    sur = report.review.state_under_review
    pairs = [
        ("symbol", report.document.symbol, truth["symbol"]),
        ("state", sur.iso3, state.iso3 if state else truth["state"]),
        ("session", report.review.wg_session, truth["session"]),
        ("cycle", report.review.cycle, truth["cycle"]),
        ("hrc_session", report.document.hrc_session, truth["hrc_session"]),
        ("distr_date", report.document.date, truth["distr_date"]),
        ("recommendations", len(recs), truth["recommendations"]),
        ("first_id", recs[0].id if recs else None, truth["first_id"]),
        ("last_id", recs[-1].id if recs else None, truth["last_id"]),
        *((f"positions.{p}", report.counts_by_position()[p], truth["positions"].get(p, 0)) for p in POSITIONS),
        ("attributions", attributions(report), truth["recommending_state_attributions"]),
        ("delegations", len([s for s in report.speakers if s != sur]), truth["delegations_made_statements"]),
    ]
    return [{"check": check, "ours": ours, "truth": want, "ok": ours == want} for check, ours, want in pairs]


def recent_rows(recent: Path, registry: Registry) -> list[dict]:
    truth = json.loads((recent / "truth.json").read_text(encoding="utf-8"))
    rows = []
    for name, facts in truth.items():
        for kind in ("txt", "pdf"):
            row = {"report": name, "source": kind, "skipped": None, "error": None, "checks": []}
            path = recent / f"{name}.{kind}"
            if facts.get("doc_type", "wg_report") != "wg_report":
                row["skipped"] = f"not a Working Group report ({facts.get('doc_type')})"
            elif not path.exists():
                row["skipped"] = "file missing"
            elif kind == "pdf" and shutil.which("pdftotext") is None:
                row["skipped"] = "poppler's pdftotext is not installed"
            elif isinstance(result := parse(path, registry), str):
                row["error"] = result
            else:
                row["checks"] = truth_checks(result, facts, registry)
            rows.append(row)
    return rows


# --- Collecting and printing -----------------------------------------------------------------------

def collect(corpus: Path) -> dict:
    registry = load_registry()
    reports, references, notes = [], [], []
    for path in sorted((corpus / "reports").glob("*.txt"), key=lambda p: p.stem.lower()):
        result = parse(path, registry)
        reports.append(report_row(path.stem, result))
        reference_path = corpus / "reference" / f"{path.stem}.csv"
        if not reference_path.exists():
            continue
        try:
            last = last_groups(path, registry) if not isinstance(result, str) else {}
        except Exception as error:  # the parser's stages changed: count strictly, and say so
            last = {}
            notes.append(f"{path.stem}: last bracketed groups unavailable ({error!r})")
        references.append(compare_reference(path.stem, result, read_reference(reference_path, registry), last))
    recent = recent_rows(corpus / "recent", registry) if (corpus / "recent" / "truth.json").exists() else []
    return {"corpus": str(corpus), "reports": reports, "reference": references, "recent": recent,
            "notes": notes, "summary": summarise(reports, references, recent)}


def summarise(reports: list[dict], references: list[dict], recent: list[dict]) -> dict:
    total = lambda key: sum(row[key] for row in references)  # noqa: E731
    figures = {
        "ids_exact": share(sum(row["ids_exact"] for row in references), len(references)),
        "positions": share(total("positions_agree"), total("positions_total")),
        "states": share(total("states_habit"), total("states_total")),
    }
    checks = lambda kind: [c for r in recent if r["source"] == kind for c in r["checks"]]  # noqa: E731
    return {
        "reports": len(reports), "parsed": sum(row["ok"] for row in reports),
        "reference_reports": len(references),
        "ids_exact_reports": sum(row["ids_exact"] for row in references),
        "ids_exact": figures["ids_exact"],
        "positions": figures["positions"], "positions_compared": total("positions_total"),
        "states_strict": share(total("states_strict"), total("states_total")),
        "states": figures["states"], "states_compared": total("states_total"),
        "targets": {key: {"target": TARGETS[key], "value": value,
                          "met": value is not None and value >= TARGETS[key]} for key, value in figures.items()},
        "recent_txt": {"ok": sum(c["ok"] for c in checks("txt")), "checks": len(checks("txt")),
                       "errors": [r["report"] for r in recent if r["source"] == "txt" and r["error"]]},
        "recent_pdf": {"ok": sum(c["ok"] for c in checks("pdf")), "checks": len(checks("pdf")),
                       "skipped": sorted({r["skipped"] for r in recent if r["source"] == "pdf" and r["skipped"]})},
    }


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.2f} %"


def print_text(figures: dict, verbose: bool) -> None:
    print(f"Corpus: {figures['corpus']}\n\n1. Reports")
    for row in figures["reports"]:
        if not row["ok"]:
            print(f"  {row['report']:28} ERROR {row['error']}")
            continue
        counts = " ".join(f"{p}={n}" for p, n in row["positions"].items())
        print(f"  {row['report']:28} {row['recommendations']:4} recs  {counts}  warnings={row['warnings']}")
    print("\n2. Against the reference (ids | positions | states strict, after the last-group habit)")
    for row in figures["reference"]:
        ids = "ids OK" if row["ids_exact"] else f"ids -{len(row['ids_missing'])} +{len(row['ids_extra'])}"
        print(f"  {row['report']:28} {ids:14} positions {row['positions_agree']}/{row['positions_total']}  "
              f"states {row['states_strict']}, {row['states_habit']}/{row['states_total']}")
        limit = None if verbose else 8
        for label in ("missing", "extra"):
            if ids := row[f"ids_{label}"]:
                more = f" … (+{len(ids) - limit})" if limit and len(ids) > limit else ""
                print(f"      {label}: {' '.join(ids[:limit])}{more}")
        if verbose:
            for kind in ("position", "state"):
                for d in row[f"{kind}_disagreements"]:
                    print(f"      {kind} {d['report']} {d['id']}: ours {d['ours']} | reference {d['reference']} | {d['text']}")
    print("\n3. Against truth.json (recent reports)")
    for row in figures["recent"]:
        head = f"  {row['report']} ({row['source']})"
        if row["skipped"] or row["error"]:
            print(f"{head}: {'skipped: ' + row['skipped'] if row['skipped'] else 'ERROR ' + row['error']}")
            continue
        print(head)
        for c in row["checks"]:
            print(f"      {c['check']:20} {'OK' if c['ok'] else 'MISMATCH'}  ours={c['ours']} truth={c['truth']}")
    for note in figures["notes"]:
        print(f"\nNote: {note}")
    s = figures["summary"]
    t = s["targets"]
    met = lambda key: "met" if t[key]["met"] else "NOT met"  # noqa: E731
    print(f"\n4. Summary\n  reports parsed: {s['parsed']}/{s['reports']}\n"
          f"  ids exactly right: {s['ids_exact_reports']}/{s['reference_reports']} reports = {pct(s['ids_exact'])} "
          f"(target ≥ {pct(TARGETS['ids_exact'])}: {met('ids_exact')})\n"
          f"  positions agree: {pct(s['positions'])} of {s['positions_compared']} "
          f"(target ≥ {pct(TARGETS['positions'])}: {met('positions')})\n"
          f"  recommending states agree: strict {pct(s['states_strict'])}, after the reference's last-group habit "
          f"{pct(s['states'])} of {s['states_compared']} (target ≥ {pct(TARGETS['states'])}: {met('states')})\n"
          f"  recent .txt truth checks: {s['recent_txt']['ok']}/{s['recent_txt']['checks']} OK"
          + (f", errors: {', '.join(s['recent_txt']['errors'])}" if s["recent_txt"]["errors"] else "") +
          f"\n  recent .pdf truth checks: {s['recent_pdf']['ok']}/{s['recent_pdf']['checks']} OK"
          + (f", skipped: {'; '.join(s['recent_pdf']['skipped'])}" if s["recent_pdf"]["skipped"] else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "reports").is_dir():
        parser.error(f"{args.corpus} has no reports/ folder")
    figures = collect(args.corpus)
    if args.json:
        print(json.dumps(figures, indent=1, ensure_ascii=False))
    else:
        print_text(figures, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
