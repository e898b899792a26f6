"""The command line, kept thin: parse the arguments, call one function, report errors plainly."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .add import add_report
from .build import build
from .check import check_site
from .errors import BuildError, ReportError
from .progress import for_terminal
from .contract import report_to_json
from .model import Addendum, Report
from .parse import parse_document
from .search_query import FACETS
from .search_cli import FACET_HELP, format_search_result, run_search, search_result_to_json

DEFAULT_REPORT = Path("content/reports/A-HRC-28-10.txt")


def _addendum_summary(addendum: Addendum) -> str:
    counts = addendum.counts_by_position()
    in_part = sum(1 for r in addendum.responses.values() if r.in_part)
    explained = sum(1 for r in addendum.responses.values() if r.explanation)
    state = addendum.state_under_review.name if addendum.state_under_review else "?"
    lines = [
        f"{state} — {addendum.symbol}, the addendum to {addendum.report_symbol or '?'}"
        + (f", distributed {addendum.date}" if addendum.date else ""),
        f"  responses to {len(addendum.responses)} recommendations: {counts['supported']} supported"
        + (f" ({in_part} in part)" if in_part else "") + f", {counts['noted']} noted; {explained} explained",
    ]
    if addendum.stated_counts:
        lines.append(f"  the text states {addendum.stated_counts['supported']} supported and "
                     f"{addendum.stated_counts['noted']} noted")
    if addendum.warnings:
        lines.append(f"  {len(addendum.warnings)} warning(s):")
        lines += [f"    {addendum.source}: {warning}" for warning in addendum.warnings]
    return "\n".join(lines)


def _summary(report: Report | Addendum) -> str:
    if isinstance(report, Addendum):
        return _addendum_summary(report)
    review, document = report.review, report.document
    counts = report.counts_by_position()
    lines = [
        f"{review.state_under_review.name} — {document.symbol}"
        + (f", distributed {document.date}" if document.date else ""),
        f"  Working Group session {review.wg_session or '?'}, cycle {review.cycle or '?'}, "
        f"reviewed {review.review_date or '?'}",
        f"  {len(report.paragraphs)} paragraphs, {len(report.recommendations)} recommendations from "
        f"{len(report.recommending_states)} states: "
        + ", ".join(f"{counts[p]} {p}" for p in counts if counts[p]),
        f"  {len([s for s in report.speakers if s != review.state_under_review])} delegations spoke "
        "in the interactive dialogue",
    ]
    if report.warnings:
        lines.append(f"  {len(report.warnings)} warning(s):")
        lines += [f"    {report.source}: {warning}" for warning in report.warnings]
    return "\n".join(lines)


def _parse_command(args: argparse.Namespace) -> int:
    document = parse_document(args.file)
    print(report_to_json(document) if args.json else _summary(document))
    return 0


def _build_command(args: argparse.Namespace) -> int:
    result = build(args.content, args.output, progress=for_terminal(), incremental=not args.clean)
    print(f"Built {result.pages} pages ({result.files} files, {result.rendered} made anew) from "
          f"{result.reports} report(s), {result.recommendations} recommendations, into {args.output}/ "
          f"in {result.seconds:.1f} s; {len(result.warnings)} warning(s)")
    for warning in result.warnings:
        print(f"  warning: {warning}")
    return 0


def _add_command(args: argparse.Namespace) -> int:
    addition = add_report(args.file, args.content, dry_run=args.dry_run)
    print(_summary(addition.report))
    verb = "Would store" if args.dry_run else "Stored"
    print(f"{verb} {args.file} as {addition.target}" + ("" if args.dry_run else "; run `site-builder build` to publish it"))
    return 0


def _check_command(args: argparse.Namespace) -> int:
    report = check_site(args.output, html_validator=not args.no_html, content=args.content)
    print(report.summary())
    return 0 if report.ok else 1


def _search_command(args: argparse.Namespace) -> int:
    facets = {name: getattr(args, name) for name in FACETS if getattr(args, name)}
    result = run_search(args.output, args.query, facets, args.page)
    if args.json:
        print(json.dumps(search_result_to_json(result), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(format_search_result(result, facets))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder",
        description="Publish UN Universal Periodic Review reports as a citable static site.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    parse = commands.add_parser("parse", help="parse one report (or addendum) and print a summary or the JSON model")
    parse.add_argument("file", type=Path, nargs="?", default=DEFAULT_REPORT,
                       help=f"report as text or PDF (default: {DEFAULT_REPORT})")
    parse.add_argument("--json", action="store_true", help="print the whole model as JSON")
    parse.set_defaults(run=_parse_command)

    build_cmd = commands.add_parser("build", help="build the static site from content/ into output/")
    build_cmd.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    build_cmd.add_argument("--output", type=Path, default=Path("output"), help="output folder (default: output)")
    build_cmd.add_argument("--clean", action="store_true",
                           help="ignore what the last build left (parsed reports, unchanged pages)")
    build_cmd.set_defaults(run=_build_command)

    check = commands.add_parser("check", help="check the built site: links, anchors, reachability, valid HTML")
    check.add_argument("--output", type=Path, default=Path("output"), help="the built site (default: output)")
    check.add_argument("--content", type=Path, default=Path("content"), help="content folder, for the site's base URL")
    check.add_argument("--no-html", action="store_true", help="skip HTML validation (needs java)")
    check.set_defaults(run=_check_command)

    add = commands.add_parser("add", help="check a new report (or its addendum) and store it under content/reports/")
    add.add_argument("file", type=Path, help="the report or addendum, as text or PDF")
    add.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    add.add_argument("--dry-run", action="store_true", help="show what would be done, change nothing")
    add.set_defaults(run=_add_command)

    search_cmd = commands.add_parser("search", help="search the built site's index, as its search page does")
    search_cmd.add_argument("query", help='words; "a phrase" in quotes; -word to exclude')
    search_cmd.add_argument("--output", type=Path, default=Path("output"), help="the built site (default: output)")
    for name, what in FACET_HELP.items():
        search_cmd.add_argument(f"--{name}", metavar="VALUE", help=what)
    search_cmd.add_argument("--page", type=int, default=1, help="page of 10 results (default: 1)")
    search_cmd.add_argument("--json", action="store_true", help="print the results as JSON")
    search_cmd.set_defaults(run=_search_command)

    serve = commands.add_parser("serve", help="build, serve output/ with live reload, rebuild on changes")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    serve.add_argument("--output", type=Path, default=Path("output"), help="output folder (default: output)")
    serve.set_defaults(run=_serve_command)
    return parser


def _serve_command(args: argparse.Namespace) -> int:
    from .serve import serve  # imported here: only serving needs livereload and tornado
    return serve(args.content, args.output, host=args.host, port=args.port)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ReportError, BuildError) as error:
        print(f"site-builder: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `site-builder parse --json | head`: the reader left; not an error
        sys.stdout = open(os.devnull, "w")
        return 0
