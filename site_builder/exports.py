"""Files for machines: CSV and JSON data, sitemap.xml, robots.txt, the Atom feed, redirects.

All complete (never capped) and deterministic: the same archive gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from .classify.taxonomy import themes_by_slug
from .enrich import Archive
from .model import Report
from .pages import long_date, review_title
from .urls import Urls, output_path

CSV_COLUMNS = [
    "permalink", "symbol", "state_under_review", "state_under_review_iso3", "cycle", "session",
    "review_date", "id", "paragraph", "position",
    # where the position comes from: the report, or the addendum of the state's later responses
    "position_in_report", "position_source", "response_in_part", "response_wording", "response_explanation",
    "recommended_by", "recommended_by_iso3",
    "recommended_by_group", "themes", "action_level", "text",
]


def recommendation_rows(report: Report, urls: Urls) -> list[dict]:
    review = report.review
    themes = themes_by_slug()
    return [
        {
            "permalink": urls.absolute(urls.recommendation(report, rec)),
            "symbol": report.document.symbol or "",
            "state_under_review": review.state_under_review.name,
            "state_under_review_iso3": review.state_under_review.iso3,
            "cycle": review.cycle or "",
            "session": review.wg_session or "",
            "review_date": review.review_date or "",
            "id": rec.id,
            "paragraph": rec.paragraph,
            "position": rec.position,
            "position_in_report": rec.position_in_report,
            "position_source": rec.response.document if rec.response else report.document.symbol or "",
            "response_in_part": ("yes" if rec.response.in_part else "no") if rec.response else "",
            "response_wording": rec.response.wording if rec.response else "",
            "response_explanation": rec.response.explanation or "" if rec.response else "",
            "recommended_by": "; ".join(state.name for state in rec.recommended_by),
            "recommended_by_iso3": "; ".join(state.iso3 for state in rec.recommended_by),
            "recommended_by_group": "; ".join(state.group for state in rec.recommended_by),
            "themes": "; ".join(themes[slug].name for slug in rec.themes),
            "action_level": rec.action_level or "",
            "text": rec.text,
        }
        for rec in report.recommendations
    ]


def to_csv(rows: list[dict], header: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def json_records(rows: list[dict]) -> list[dict]:
    records = []
    for row in rows:
        record = dict(row)
        columns = ("recommended_by", "recommended_by_iso3", "recommended_by_group")
        names, codes, groups = ([part for part in row[c].split("; ") if part] for c in columns)
        record["recommended_by"] = [{"name": n, "iso3": c, "group": g} for n, c, g in zip(names, codes, groups)]
        del record["recommended_by_iso3"], record["recommended_by_group"]
        record["themes"] = [name for name in row["themes"].split("; ") if name]
        record["action_level"] = row["action_level"] or None
        record["response_in_part"] = {"yes": True, "no": False}.get(row["response_in_part"])
        for column in ("response_wording", "response_explanation"):
            record[column] = row[column] or None
        records.append(record)
    return records


def to_json(rows: list[dict]) -> bytes:
    return (json.dumps(json_records(rows), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write_data_files(archive: Archive, urls: Urls, write: Callable[[str, bytes], Any],
                     stream: Callable[[str], ContextManager[BinaryIO]] | None,
                     made_before: Callable[[str, Report], Path | None] = lambda path, report: None) -> int:
    """Each review's recommendations as CSV and JSON, given to `write` (path in output/, bytes),
    and the whole archive's, written through `stream` as the reviews go by (None: they are
    unchanged): joined from the reviews' files (the same bytes as dumping every row at once), so
    that 100,000 rows are never held together, as dicts or as bytes. `made_before(path,
    report)` gives a review's file as an earlier build wrote it (already in the new site), when
    nothing it is made from has changed since: most of the work is encoding JSON. Returns the
    number of files."""
    header = to_csv([], header=True)
    files = 2
    with _archive_files(stream, urls) as (all_csv, all_json):
        all_csv.write(header)
        items = 0
        for report in archive.reports:
            files += 2
            paths = output_path(urls.review_data(report, "csv")), output_path(urls.review_data(report, "json"))
            found = [made_before(path, report) for path in paths]
            if None not in found:
                if stream is None:
                    continue  # kept, and the archive's files are too: nothing to join
                as_csv, as_json = (path.read_bytes() for path in found)
            else:
                rows = recommendation_rows(report, urls)
                as_csv, as_json = to_csv(rows), to_json(rows)
                write(paths[0], as_csv)
                write(paths[1], as_json)
            all_csv.write(as_csv[len(header):])
            if as_json != b"[]\n":  # "[\n {…},\n {…}\n]\n": the items between the brackets
                all_json.write((b"[\n" if not items else b",\n") + as_json[2:-3])
                items += 1
        all_json.write(b"\n]\n" if items else b"[]\n")
    return files


class _Nowhere:
    """Where the archive-wide files' bytes go when those files are unchanged (a review's files
    missing from the earlier build are still made)."""

    def write(self, data: bytes) -> int:
        return len(data)


@contextmanager
def _archive_files(stream: Callable[[str], ContextManager[BinaryIO]] | None,
                   urls: Urls) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    if stream is None:
        yield _Nowhere(), _Nowhere()
        return
    with stream(output_path(urls.archive_data("csv"))) as all_csv, \
            stream(output_path(urls.archive_data("json"))) as all_json:
        yield all_csv, all_json


def sitemap(page_urls: list[str], urls: Urls) -> bytes:
    entries = "".join(f"  <url><loc>{escape(urls.absolute(url))}</loc></url>\n"
                      for url in sorted(page_urls) if url != urls.not_found())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{entries}</urlset>\n").encode("utf-8")


def robots(urls: Urls) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {urls.absolute(urls.sitemap())}\n".encode("utf-8")


def feed(archive: Archive, urls: Urls, site: dict) -> bytes:
    """Atom feed of reviews, newest first by the date the report was issued."""
    def issued(report: Report) -> str:
        return report.document.date or report.review.review_date or "2008-01-01"

    reports = sorted(archive.reports, key=lambda r: (issued(r), urls.review(r)), reverse=True)
    updated = issued(reports[0]) if reports else "2008-01-01"
    entries = []
    for report in reports:
        link = urls.absolute(urls.review(report))
        summary = (f"{report.document.title}: {report.review.state_under_review.name}"
                   f"{', ' + report.document.symbol if report.document.symbol else ''}, "
                   f"{long_date(report.document.date)} — {len(report.recommendations)} recommendations.")
        entries.append(
            "  <entry>\n"
            f"    <title>{escape(review_title(report))}</title>\n"
            f'    <link href="{escape(link)}"/>\n'
            f"    <id>{escape(link)}</id>\n"
            f"    <updated>{issued(report)}T00:00:00Z</updated>\n"
            f"    <summary>{escape(summary)}</summary>\n"
            "  </entry>\n")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"  <title>{escape(site['title'])}: reviews</title>\n"
            f'  <link href="{escape(urls.absolute(urls.feed()))}" rel="self"/>\n'
            f'  <link href="{escape(urls.absolute(urls.home()))}"/>\n'
            f"  <id>{escape(urls.absolute(urls.home()))}</id>\n"
            f"  <updated>{updated}T00:00:00Z</updated>\n"
            f"{''.join(entries)}</feed>\n").encode("utf-8")


def redirects(archive: Archive, urls: Urls) -> bytes:
    """Netlify `_redirects`: the UN symbol as a way in, `/A/HRC/28/10/125.8` → the permalink."""
    lines = []
    for report in archive.reports:
        for path in urls.symbol_paths(report):
            for variant in sorted({path, path.lower()}):
                lines.append(f"{variant} {urls.review(report)} 301")
                lines.append(f"{variant}/ {urls.review(report)} 301")
                for rec in report.recommendations:
                    lines.append(f"{variant}/{rec.id} {urls.recommendation(report, rec)} 301")
    return ("\n".join(lines) + "\n").encode("utf-8")
