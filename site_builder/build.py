"""The pipeline, start to end: read → parse → enrich → render → write.

Everything is computed in memory first; output/ is replaced only when the whole site is ready
(write.publish), so a bad report or a broken template leaves the published site as it was.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from . import exports
from .addenda import apply_addenda, match_addenda
from .enrich import build_archive
from .errors import BuildError, ReportError
from .cache import PACKAGE, BuildCache, cache_folder, content_hash, fingerprint_files
from .model import Addendum, Report
from .archive_pages import site_page_groups
from .pages import ALL_REPORTS, VALUE, KnownInputs, Page, PageGroup, pages_of
from .progress import Progress
from .parse import parse_document
from .related import Ranking, rank_related
from .search_export import KnownTiers, plan_index, write_search_index
from .search_stats import analyse_archive
from .render import TEMPLATES, asset_names, environment, fingerprint_assets, prose_pages, render_page
from .states import load_registry
from .urls import Urls, output_path
from .parallel import forked_map, in_child
from .write import Staging, clean_leftovers, exclusive, is_published_by_us

REPORT_SUFFIXES = {".txt", ".pdf"}


@dataclass(frozen=True)
class BuildResult:
    reports: int
    recommendations: int
    pages: int
    files: int
    rendered: int  # files made anew; the rest were unchanged and taken from the last build
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
    # The addenda (A-HRC-43-15-Add1.txt) are in the same folder; parse_reports tells them apart.
    return files


REPORTS_PER_TASK = 4


def parse_reports(files: list[Path], cache: BuildCache | None = None,
                  progress: Progress = Progress()) -> tuple[list[Report], dict[str, str]]:
    """Every report parsed (on every core, or taken from the cache) with its addenda applied,
    and each report's content hash by source — folded with its addenda's, so that adding or
    editing an addendum remakes exactly that report's pages."""
    registry = load_registry()
    hashes = {path: content_hash(path.read_bytes()) for path in files}
    found: dict[Path, Report | Addendum] = {}
    for path in files:
        document = cache.load_report(hashes[path], path) if cache else None
        if document is not None:
            found[path] = document
    to_parse = [path for path in files if path not in found]

    def parse_some(task: int) -> list[tuple[Path, Report | Addendum | str]]:
        parsed: list[tuple[Path, Report | Addendum | str]] = []
        for path in to_parse[task * REPORTS_PER_TASK:(task + 1) * REPORTS_PER_TASK]:
            try:
                parsed.append((path, parse_document(path, registry)))
            except ReportError as error:
                parsed.append((path, str(error)))
        return parsed

    problems: dict[Path, str] = {}
    with progress.stage("Parsing reports", len(files)) as advance:
        for _ in found:
            advance()
        for parsed in forked_map(parse_some, -(-len(to_parse) // REPORTS_PER_TASK)):
            for path, document in parsed:
                if isinstance(document, str):
                    problems[path] = document
                    continue
                found[path] = document
                if cache:
                    cache.store_report(hashes[path], document)
                advance()
    if problems:  # the first in file order, whichever worker met it first
        raise BuildError(problems[min(problems)])
    reports = [found[path] for path in files if isinstance(found[path], Report)]
    addenda = [found[path] for path in files if isinstance(found[path], Addendum)]
    hash_of = {found[path].source: hashes[path] for path in files}
    answers = match_addenda(reports, addenda)
    applied = [apply_addenda(report, answers.get(report.source, ())) for report in reports]
    return applied, {report.source: _folded_hash(hash_of[report.source],
                                                 [hash_of[a.source] for a in answers.get(report.source, ())])
                     for report in applied}


def _folded_hash(report_hash: str, addendum_hashes: list[str]) -> str:
    if not addendum_hashes:
        return report_hash  # unchanged for a report without addenda: its pages stay reusable
    return content_hash(";".join([report_hash, *addendum_hashes]).encode())


@dataclass(frozen=True)
class Previous:
    """The last build, for reusing the pages whose inputs have not changed."""

    output: Path
    manifest: dict[str, str]  # output file → fingerprint of its inputs


def _every_report(hashes: dict[str, str]) -> str:
    """What a file made from the whole archive is fingerprinted by: every report and its hash."""
    return "".join(f"{source}={digest};" for source, digest in sorted(hashes.items()))


def _fingerprint(inputs: tuple[str, ...], common: str, hashes: dict[str, str], content: Path) -> str:
    """What a page (or a group of pages) is fingerprinted by: `common` and its inputs."""
    parts = [common]  # hashed as one string: a report's group has thousands of inputs
    for source in inputs:
        if source == ALL_REPORTS:
            parts.append(_every_report(hashes))
        elif source.startswith("file:"):
            parts.append(content_hash(Path(source[5:]).read_bytes()))
        elif source.startswith(VALUE):
            parts.append(f"{source};")
        else:
            parts.append(f"{source}={hashes[source]};")
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def _search_stage(archive, urls: Urls, hashes: dict[str, str], code: str, cache: BuildCache | None,
                  staging: Staging, previous: Previous | None, progress: Progress) -> tuple[dict[str, str], int, dict]:
    """The static search index, written into `staging`, and each recommendation's related ones;
    taken whole from the last build when neither the reports nor the code changed (a template or
    prose edit does not re-index), and otherwise made again from each report's cached analysis,
    so that adding a report analyses only that one. An index tier made from the same reports as
    the last build's is linked, not made (search_export.KnownTiers), and the related lists are
    ranked from the last build's when its figures are unchanged (related.Ranking). A file is
    fingerprinted by its bytes and written only when no earlier build left it as it is: at
    100,000 recommendations replacing a file costs 0.7 ms here, and the index has 29,000.
    Returns the files with their fingerprints, how many were written anew, and the lists."""
    key = hashlib.sha256((code + _every_report(hashes)).encode()).hexdigest()
    with progress.stage("Indexing for search", 1) as advance:
        found = cache.load_search(key) if cache else None
        if found is not None and all(_reused(staging, previous, path, digest) for path, digest in found[0].items()):
            advance()
            return found[0], 0, found[1]

        def index() -> tuple[dict[str, str], int, dict]:
            files: dict[str, str] = {}
            written = 0

            def put(path: str, data: bytes) -> None:
                nonlocal written
                files[path] = hashlib.sha256(data).hexdigest()
                if not _reused(staging, previous, path, files[path]):
                    written += staging.write(path, data)

            last_tiers = cache.load_tiers() if cache else {}
            tiers = {}  # what the next build may reuse: the tiers of this one

            def reuse(tier_key: str) -> dict | None:
                entry, tier_files = last_tiers.get(tier_key, (None, {}))
                if entry is None or not all(_reused(staging, previous, path, digest) for path, digest in tier_files.items()):
                    return None
                files.update(tier_files)
                tiers[tier_key] = last_tiers[tier_key]
                return entry

            def report_key(report: Report) -> str:
                return f"{code} {hashes[report.source]}"

            plan = plan_index(archive, urls, KnownTiers(report_key, reuse))
            analysis = analyse_archive(archive, urls, code, cache, plan.docs, plan.reused, plan.keys)
            made = write_search_index(archive, urls, put, analysis, plan)
            analysis = analysis.for_related()
            last_ranking = cache.load_ranking() if cache else None
            ranking = rank_related(archive, urls, analysis, report_key, plan.keys[0] if len(plan.ends) > 1 else "",
                                   last_ranking if isinstance(last_ranking, Ranking) else None)
            related = ranking.lists
            if cache:
                cache.store_ranking(ranking)
                tiers.update((tier.key, (tier.meta, {path: files[path] for path in tier.paths})) for tier in made)
                cache.store_tiers(tiers)
                cache.store_search(key, files, related)
            return files, written, related
        # In a child of its own: the analysis (half a gigabyte at 50,000 recommendations) and
        # the index's files leave nothing behind in the process that goes on to render pages.
        made = in_child(index)
        advance()
    return made


@dataclass(frozen=True)
class Rendered:
    pages: int
    files: int
    written: int  # files written anew; the rest were hard-linked, unchanged, from the last build
    manifest: dict[str, str]  # every file → the fingerprint of what it was made from ("": not reused)


# A group's pages (pages.KnownInputs), as the last build made them: (file, fingerprint, URL, title)
GroupPages = tuple[tuple[str, str, str, str], ...]

PAGES_PER_TASK = 200
# A renderer is renewed once it has this much memory of its own (parallel.forked_map), which
# bounds the build's peak: measured at 100,000 recommendations, a task adds up to 70 MB to it.
RENDERER_MEMORY = 120 * 2**20


def _compile_templates(env: jinja2.Environment) -> None:
    """Every template, compiled once here rather than in each renderer."""
    for name in env.list_templates(filter_func=lambda name: name.endswith(".html")):
        try:
            env.get_template(name)
        except jinja2.TemplateError as error:
            where = f"{error.filename}:{error.lineno}" if getattr(error, "lineno", None) else name
            raise BuildError(f"template {where}: {error.message}") from None


def _tasks(groups: list[PageGroup | list[Page]]) -> list[PageGroup | list[Page]]:
    """What each renderer's task makes: a report's pages, or PAGES_PER_TASK of the others."""
    tasks: list[PageGroup | list[Page]] = []
    for group in groups:
        if callable(group):
            tasks.append(group)
        else:
            tasks += [group[start:start + PAGES_PER_TASK] for start in range(0, len(group), PAGES_PER_TASK)]
    return tasks


def _reused(staging: Staging, previous: Previous | None, path: str, fingerprint: str) -> bool:
    """Whether the new site has the file at `path` as an earlier build made it from the same
    inputs: kept where it is (the spare had it) or linked from the published site. False: it is
    to be made. (No Path made for each of the site's 135,000 files: that took 1.2 s at 100k.)"""
    if staging.holds(path, fingerprint):
        return True
    if previous and previous.manifest.get(path) == fingerprint and os.path.isfile(os.path.join(previous.output, path)):
        staging.write(path, previous.output / path)
        return True
    return False


def _data_files(archive, urls: Urls, staging: Staging, previous: Previous | None, common: str,
                hashes: dict[str, str], manifest: dict[str, str]) -> int:
    """The data exports (`exports.write_data_files`), each review's reused when its report is
    unchanged, and the whole archive's when no report changed; each file's fingerprint goes into
    `manifest`. Returns the number of files written anew."""
    written = 0

    def write(path: str, data: bytes) -> None:
        nonlocal written
        written += staging.write(path, data)

    def made_before(path: str, report: Report) -> Path | None:
        # a review's files come from its report, the code and the site's base URL alone
        manifest[path] = hashlib.sha256(f"{common};{hashes[report.source]}".encode()).hexdigest()
        return staging.folder / path if _reused(staging, previous, path, manifest[path]) else None

    whole = hashlib.sha256((common + _every_report(hashes)).encode()).hexdigest()
    archive_files = [output_path(urls.archive_data(extension)) for extension in ("csv", "json")]
    manifest.update((path, whole) for path in archive_files)
    unchanged = all([_reused(staging, previous, path, whole) for path in archive_files])
    exports.write_data_files(archive, urls, write, None if unchanged else staging.stream, made_before)
    return written + (0 if unchanged else len(archive_files))


def _one_page_per_path(made: list[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for url, title in made:
        path = output_path(url)
        if path in seen:
            raise BuildError(f"two pages would be written to {path}: “{seen[path]}” and “{title}”")
        seen[path] = title


def render_site(reports: list[Report], content: Path, staging: Staging, templates: Path = TEMPLATES,
                hashes: dict[str, str] | None = None, previous: Previous | None = None,
                progress: Progress = Progress(), cache: BuildCache | None = None) -> Rendered:
    """Every file of the site, written into `staging`: the pages (made and rendered on every
    core, or linked from the previous build when what they are made from has not changed), the
    assets, the data exports and the search index."""
    site = load_site_settings(content)
    assets = fingerprint_assets(templates / "static")
    urls = Urls(site["base_url"], asset_names(assets))
    archive = build_archive(reports)
    hashes = hashes or {r.source: r.source for r in reports}
    code = fingerprint_files([PACKAGE])
    search_files, written, related = _search_stage(archive, urls, hashes, code, cache, staging, previous, progress)
    tasks = _tasks(site_page_groups(archive, urls, site, prose_pages(content / "pages", urls), related))
    # Everything every page is made from: the code, the templates, the site's settings.
    common = code + fingerprint_files([templates, content / "site.yaml"])
    env = environment(urls, site, templates)
    _compile_templates(env)

    groups_before = cache.load_groups() if cache and previous else {}

    def render_pages(task: int) -> tuple[dict[str, str], int, list[tuple[str, str]],
                                         tuple[str, GroupPages] | None]:
        group = tasks[task]
        known = None
        if isinstance(group, KnownInputs):
            known = _fingerprint(group.inputs(), common, hashes, content)
            pages_before = groups_before.get(known)
            if pages_before and all([_reused(staging, previous, path, fingerprint)
                                     for path, fingerprint, _, _ in pages_before]):
                return ({path: fingerprint for path, fingerprint, _, _ in pages_before}, 0,
                        [(url, title) for _, _, url, title in pages_before], (known, pages_before))
            # else made as any other group (what was linked from the last site is linked again)
        written = 0
        pages = []  # (file, fingerprint, URL, title), the same strings for the manifest and the record
        for page in pages_of(group):
            path = output_path(page.url)
            pages.append((path, _fingerprint(page.inputs, common, hashes, content), page.url, page.title))
            if _reused(staging, previous, path, pages[-1][1]):
                continue
            try:
                written += staging.write(path, render_page(env, page))
            except jinja2.TemplateError as error:
                where = f"{error.filename}:{error.lineno}" if getattr(error, "lineno", None) else page.template
                raise BuildError(f"template {where}: {error.message} (rendering {page.url})") from None
        return ({path: fingerprint for path, fingerprint, _, _ in pages}, written,
                [(url, title) for _, _, url, title in pages], None if known is None else (known, tuple(pages)))

    manifest: dict[str, str] = {}
    made: list[tuple[str, str]] = []  # every page's URL and title
    groups: dict[str, GroupPages] = {}  # what the next build may skip
    with progress.stage("Rendering pages", len(tasks)) as advance:
        for part, count, pages, record in forked_map(render_pages, len(tasks), renew_above=RENDERER_MEMORY):
            manifest.update(part)
            written += count
            made += pages
            if record:
                groups[record[0]] = record[1]
            advance()
    groups_before.clear()
    _one_page_per_path(made)
    if cache:
        cache.store_groups(groups)

    files: dict[str, bytes] = {f"assets/{name}": data for name, data in assets.items()}
    files["sitemap.xml"] = exports.sitemap([url for url, _ in made], urls)
    files["robots.txt"] = exports.robots(urls)
    files["feed.xml"] = exports.feed(archive, urls, site)
    files["_redirects"] = exports.redirects(archive, urls)
    with progress.stage("Writing files", len(files)):
        for path in sorted(files):
            written += staging.write(path, files[path])
        written += _data_files(archive, urls, staging, previous, code + fingerprint_files([content / "site.yaml"]),
                               hashes, manifest)
    manifest.update(search_files)
    manifest.update((path, "") for path in staging.written if path not in manifest)
    return Rendered(pages=len(made), files=len(manifest), written=written, manifest=dict(sorted(manifest.items())))


def build(content: Path, output: Path, templates: Path = TEMPLATES,
          progress: Progress = Progress(), incremental: bool = True) -> BuildResult:
    """Build the site from `content` into `output`. With `incremental`, parsed reports and pages
    whose inputs did not change are reused from the last build: the result is the same."""
    started = time.perf_counter()
    with exclusive(output), collector_paused():
        return _build(content, output, templates, progress, incremental, started)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off in this process while it builds, and in the search
    stage's child (the renderers collect their own: parallel.forked_map). The build holds
    millions of objects that live to its end, which each full collection walks: at 100,000
    recommendations, 12 of them took 4.2 s of a 16.7 s build with nothing to do."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(content: Path, output: Path, templates: Path, progress: Progress, incremental: bool,
           started: float) -> BuildResult:
    clean_leftovers(output)
    # A clean build reads nothing the last one left, but leaves what the next one can reuse.
    cache = BuildCache(cache_folder(output), read=incremental)
    reports, hashes = parse_reports(report_files(content), cache, progress)
    published = cache.load_manifest() if is_published_by_us(output) else None
    previous = Previous(output.resolve(), published) if incremental and published is not None else None
    spare = cache.load_manifest("spare") if incremental else None
    cache.forget_manifest()  # output/ is about to change
    cache.forget_manifest("spare")  # and the spare becomes the new site
    with Staging(output, spare) as staging:
        rendered = render_site(reports, content, staging, templates, hashes, previous, progress, cache)
        old = staging.publish(set(rendered.manifest))
        cache.store_manifest(rendered.manifest)
        if published is not None and staging.keep_as_spare(old):
            cache.store_manifest(published, "spare")
        elif old is not None:
            shutil.rmtree(old, ignore_errors=True)
    warnings = tuple(f"{report.source}: {warning}" for report in reports for warning in report.warnings)
    return BuildResult(
        reports=len(reports),
        recommendations=sum(len(r.recommendations) for r in reports),
        pages=rendered.pages,
        files=rendered.files,
        rendered=rendered.written,
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )
