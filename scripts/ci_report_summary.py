"""Summarise the reports a push or pull request adds or changes, for the CI job summary.

    python scripts/ci_report_summary.py [--base REF] [FILE ...]

With FILEs, summarises those. Without, lists the reports under content/reports/ that were added
or modified since REF (`git diff BASE...HEAD`; run it from the repository root). When REF is not
in the clone's history (the first push of a branch, a force push), every report is summarised.

Writes Markdown to $GITHUB_STEP_SUMMARY when it is set, else to stdout: one section per report
(state, symbol, cycle, counts by position, warnings). A report that cannot be parsed gets its
section, a `::error file=…::` annotation, and exit status 1 once every report has been tried.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from site_builder.build import REPORT_SUFFIXES
from site_builder.errors import ReportError
from site_builder.model import Addendum
from site_builder.parse import parse_document

REPORTS = "content/reports"


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, text=True)


def changed_reports(base: str) -> tuple[list[str], str]:
    """Report files added or modified since `base`, and a note when every report is listed."""
    if _git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        files = [str(p) for p in sorted(Path(REPORTS).glob("*")) if p.is_file()]
        note = (f"_`{base}` is not in this clone's history (a new branch, a force push): "
                "every report is summarised._\n")
    else:
        # --no-renames: a renamed report is listed as added (R would escape the A/M filter).
        diff = _git("diff", "--name-only", "--no-renames", "--diff-filter=AM", "--relative",
                    f"{base}...HEAD", "--", f"{REPORTS}/")
        if diff.returncode != 0:
            sys.exit(f"ci_report_summary: git diff {base}...HEAD failed: {diff.stderr.strip()}")
        files, note = diff.stdout.split(), ""
    # As the build does: files directly in content/reports/ with a report's suffix.
    return [f for f in files if Path(f).parent == Path(REPORTS) and Path(f).suffix.lower() in REPORT_SUFFIXES], note


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _annotation(value: str, *, property: bool = False) -> str:
    """Escape text for a GitHub workflow command (`::error file=…::…`)."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if property else value


def summarise(path: str) -> tuple[str, str | None]:
    """The Markdown section for one report, and its one-line error when it cannot be parsed."""
    try:
        report = parse_document(path)
    except ReportError as error:
        message = str(error)
    except Exception as error:  # a parser bug: still name the file, and go on to the next
        message = f"{path}: the parser failed ({type(error).__name__}: {error})"
    else:
        if isinstance(report, Addendum):
            counts = report.counts_by_position()
            rows = [
                ("Addendum", f"{report.symbol or '(symbol missing from the text)'}, to {report.report_symbol or '?'}"),
                ("State under review", report.state_under_review.name if report.state_under_review else "?"),
                ("Responses", f"{len(report.responses)}: {counts['supported']} supported, {counts['noted']} noted"),
                ("Warnings", len(report.warnings) or "none"),
            ]
            lines = [f"### `{path}`", "", "| | |", "|---|---|", *(f"| {k} | {_cell(v)} |" for k, v in rows)]
            lines += [""] + [f"- ⚠️ {_cell(w)}" for w in report.warnings] if report.warnings else []
            return "\n".join(lines) + "\n", None
        review, counts = report.review, report.counts_by_position()
        rows = [
            ("State under review", review.state_under_review.name),
            ("Symbol", report.document.symbol or "(missing from the text)"),
            ("Cycle", f"{review.cycle or '?'} (Working Group session {review.wg_session or '?'})"),
            ("Recommendations", f"{len(report.recommendations)}: "
                                + (", ".join(f"{n} {p}" for p, n in counts.items() if n) or "none")),
            ("Warnings", len(report.warnings) or "none"),
        ]
        lines = [f"### `{path}`", "", "| | |", "|---|---|", *(f"| {k} | {_cell(v)} |" for k, v in rows)]
        lines += [""] + [f"- ⚠️ {_cell(w)}" for w in report.warnings] if report.warnings else []
        return "\n".join(lines) + "\n", None
    return f"### ❌ `{path}`\n\n**Cannot be parsed:** {_cell(message)}\n", message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="origin/main", help="compare HEAD with this commit (default: origin/main)")
    parser.add_argument("files", nargs="*", help="reports to summarise (default: those changed since --base)")
    args = parser.parse_args(argv)
    files, note = (args.files, "") if args.files else changed_reports(args.base)

    sections, failed = ["## Reports in this change\n", note], 0
    if not files:
        sections.append("No reports changed under content/reports/.\n")
    for path in files:
        section, error = summarise(path)
        sections.append(section)
        if error:
            failed += 1
            print(f"::error file={_annotation(path, property=True)},title=Report cannot be parsed::"
                  f"{_annotation(error)}", flush=True)
    if failed:
        sections.append(f"**{failed} of {len(files)} report(s) cannot be parsed**; "
                        "the site will not build until they are fixed.\n")

    markdown = "\n".join(s for s in sections if s)
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as out:
            out.write(markdown + "\n")
        print(f"ci_report_summary: {len(files)} report(s) in the job summary, {failed} cannot be parsed")
    else:
        print(markdown)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
