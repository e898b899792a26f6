"""The pipeline, start to end: read → parse → enrich → render → write.

Everything is computed in memory first; output/ is replaced only when the whole site is ready
(write.publish), so a bad report or a broken template leaves the published site as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from . import exports
from .enrich import build_archive
from .errors import BuildError, ReportError
from .model import Report
from .pages import site_pages
from .parse import parse_file
from .render import TEMPLATES, asset_names, environment, fingerprint_assets, prose_pages, render_page
from .states import load_registry
from .urls import Urls, output_path
from .write import clean_leftovers, publish

REPORT_SUFFIXES = {".txt", ".pdf"}


@dataclass(frozen=True)
class BuildResult:
    reports: int
    recommendations: int
    pages: int
    files: int
    warnings: tuple[str, ...]
    seconds: float


def load_site_settings(content: Path) -> dict:
    path = content / "site.yaml"
    defaults = {"title": "UPR Archive", "tagline": "", "base_url": "https://example.org", "language": "en",
                "licence": ""}
    if not path.exists():
        return defaults
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise BuildError(f"{path}: is not valid YAML ({error})") from None
    if not isinstance(settings, dict):
        raise BuildError(f"{path}: should hold settings such as `title:` and `base_url:`")
    return {**defaults, **settings}


def report_files(content: Path) -> list[Path]:
    folder = content / "reports"
    if not folder.is_dir():
        raise BuildError(f"{folder}: no such folder; put the reports to publish there")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
    if not files:
        raise BuildError(f"{folder}: holds no reports (.txt or .pdf)")
    return files


def parse_reports(files: list[Path]) -> list[Report]:
    registry = load_registry()
    reports = []
    for path in files:
        try:
            reports.append(parse_file(path, registry))
        except ReportError as error:
            raise BuildError(str(error)) from None
    return reports


def render_site(reports: list[Report], content: Path, templates: Path = TEMPLATES) -> tuple[dict[str, bytes], int]:
    """Every file of the site, by path relative to output/, and the number of HTML pages."""
    site = load_site_settings(content)
    assets = fingerprint_assets(templates / "static")
    urls = Urls(site["base_url"], asset_names(assets))
    archive = build_archive(reports)
    pages = site_pages(archive, urls, site, prose_pages(content / "pages", urls))

    files: dict[str, bytes] = {}
    seen: dict[str, str] = {}
    env = environment(urls, site, templates)
    for page in pages:
        path = output_path(page.url)
        if path in seen:
            raise BuildError(f"two pages would be written to {path}: “{seen[path]}” and “{page.title}”")
        seen[path] = page.title
        try:
            files[path] = render_page(env, page)
        except jinja2.TemplateError as error:
            where = f"{error.filename}:{error.lineno}" if getattr(error, "lineno", None) else page.template
            raise BuildError(f"template {where}: {error.message} (rendering {page.url})") from None
    for name, data in assets.items():
        files[f"assets/{name}"] = data
    for url, data in exports.data_files(archive, urls).items():
        files[output_path(url)] = data
    files["sitemap.xml"] = exports.sitemap(pages, urls)
    files["robots.txt"] = exports.robots(urls)
    files["feed.xml"] = exports.feed(archive, urls, site)
    files["_redirects"] = exports.redirects(archive, urls)
    return files, len(pages)


def build(content: Path, output: Path, templates: Path = TEMPLATES) -> BuildResult:
    started = time.perf_counter()
    clean_leftovers(output)
    reports = parse_reports(report_files(content))
    files, page_count = render_site(reports, content, templates)
    publish(files, output)
    warnings = tuple(f"{report.source}: {warning}" for report in reports for warning in report.warnings)
    return BuildResult(
        reports=len(reports),
        recommendations=sum(len(r.recommendations) for r in reports),
        pages=page_count,
        files=len(files),
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )
