"""Checking a built site folder before it is published.

    report = check_site(Path("output"))
    print(report.summary())

Four kinds of problem, each naming the file (and line) where it is:

* broken links — an internal `href`/`src`/`srcset` (root-relative, relative, or an absolute link to
  the site's own `base_url`, such as canonical links, `og:url` and JSON-LD) that does not lead to a
  file of the folder. `/states/spain/` is served by `states/spain/index.html`. Links to redirects
  in `_redirects` and to folders without their trailing slash are reported too: published pages
  link to the page itself. `url(…)` in CSS, the URLs in sitemap.xml, feed.xml, robots.txt, the
  data files and the targets in `_redirects` are held to the same rule.
* missing anchors — a `#fragment` (on the same page or another) with no element of that `id`
  (or `<a name>`) on the target page; an `id` used twice on one page.
* unreachable pages — an HTML page that cannot be reached from the home page by following `<a>`
  links (404.html is exempt: the host serves it for addresses that do not exist).
* HTML errors — what the Nu Html Checker (vnu) reports, run once for the whole folder.

Links are read with the standard library's `html.parser`; vnu needs java and the jar that
`scripts/setup.sh` installs into `.tools/` (see check_html.py).
"""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import re
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from .errors import BuildError

ROOT = Path(__file__).resolve().parents[1]
SETUP_HINT = "run `bash scripts/setup.sh`"
# Pages nothing needs to link to.
UNLINKED_PAGES = frozenset({"404.html"})
# Text files whose absolute links to the site are checked (html is parsed, not searched).
TEXT_SUFFIXES = {".xml", ".txt", ".json", ".csv", ".webmanifest"}
# Pages a process pool is worth starting for.
PARALLEL_FROM = 400


class CheckError(BuildError):
    """The check itself cannot run (java or vnu.jar missing, vnu failed); the message says why."""


@dataclass(frozen=True)
class Problem:
    page: str          # the file, relative to the checked folder: "states/hungary/index.html"
    message: str       # what is wrong
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line else self.page
        return f"{where}: {self.message}"


@dataclass
class CheckReport:
    folder: Path
    pages: int = 0                     # HTML pages found
    links: int = 0                     # internal links checked
    broken_links: list[Problem] = field(default_factory=list)
    missing_anchors: list[Problem] = field(default_factory=list)
    unreachable: list[Problem] = field(default_factory=list)
    html_errors: list[Problem] = field(default_factory=list)
    validated: int | None = None       # pages given to vnu; None when it was not run
    seconds: float = 0.0               # links, anchors and reachability
    vnu_seconds: float | None = None

    CATEGORIES = (("broken_links", "broken link"), ("missing_anchors", "missing anchor"),
                  ("unreachable", "unreachable page"), ("html_errors", "HTML error"))

    @property
    def problems(self) -> list[Problem]:
        return [*self.broken_links, *self.missing_anchors, *self.unreachable, *self.html_errors]

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, limit: int = 25) -> str:
        """A few lines for a person: what was checked, then up to `limit` problems of each kind."""
        lines = [f"Checked {self.pages} pages and {self.links} internal links in {self.folder} "
                 f"in {self.seconds:.1f} s"
                 + (f"; vnu validated {self.validated} pages in {self.vnu_seconds:.1f} s"
                    if self.validated is not None else "; HTML validation not run")]
        if self.ok:
            lines.append("OK: no broken links, no missing anchors, every page reachable from the home page"
                         + (", no HTML errors" if self.validated is not None else ""))
            return "\n".join(lines)
        for attribute, label in self.CATEGORIES:
            found = getattr(self, attribute)
            if not found:
                continue
            lines.append(f"{len(found)} {label}{'' if len(found) == 1 else 's'}:")
            lines += [f"  {problem}" for problem in found[:limit]]
            if len(found) > limit:
                lines.append(f"  … and {len(found) - limit} more")
        return "\n".join(lines)


# --- reading pages --------------------------------------------------------------------------------

@dataclass
class _Scan:
    ids: set[str]
    duplicate_ids: list[tuple[int, str]]
    refs: list[tuple[int, str, str, str]]   # (line, tag, attribute, value)
    texts: list[tuple[int, str]]            # (line, JSON-LD text) searched for links to the site


class _PageParser(HTMLParser):
    URL_ATTRIBUTES = {"href", "src", "poster", "action", "data"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = _Scan(set(), [], [], [])
        self._json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        scan = self.scan
        line = 0
        for name, value in attrs:
            if value is None:
                continue
            if name in self.URL_ATTRIBUTES or name == "srcset" or (
                    name == "content" and tag == "meta" and value.startswith(("http:", "https:"))):
                line = line or self.getpos()[0]
                if name == "srcset":
                    for candidate in value.split(","):
                        if candidate.strip():
                            scan.refs.append((line, tag, name, candidate.split()[0]))
                else:
                    scan.refs.append((line, tag, name, value))
            elif name == "id" or (name == "name" and tag == "a"):
                if name == "id" and value in scan.ids:
                    scan.duplicate_ids.append((self.getpos()[0], value))
                scan.ids.add(value)
        if tag == "script" and any(n == "type" and v and "ld+json" in v for n, v in attrs):
            self._json_ld = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._json_ld = False

    def handle_data(self, data: str) -> None:
        if self._json_ld:
            self.scan.texts.append((self.getpos()[0], data))


def _scan_page(path: str) -> _Scan:
    parser = _PageParser()
    with open(path, "rb") as handle:
        parser.feed(handle.read().decode("utf-8", errors="replace"))
    parser.close()
    return parser.scan


def _scan_pages(folder: Path, pages: list[str]) -> list[_Scan]:
    paths = [str(folder / page) for page in pages]
    workers = min(os.cpu_count() or 1, 4)
    if len(paths) < PARALLEL_FROM or workers < 2:
        return [_scan_page(path) for path in paths]
    # forkserver, not fork: the caller may be running threads (a test's web server, say).
    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_scan_page, paths, chunksize=max(1, len(paths) // (workers * 8))))


def page_url(page: str) -> str:
    """The URL a file serves: `states/spain/index.html` → `/states/spain/`."""
    if page == "index.html" or page.endswith("/index.html"):
        return "/" + page[: -len("index.html")]
    return "/" + page


# --- resolving links ------------------------------------------------------------------------------

class _Site:
    def __init__(self, folder: Path, files: set[str], base_url: str):
        self.folder = folder
        self.files = files
        self.folders = {posixpath.dirname(f) for f in files}
        base = urlsplit(base_url.rstrip("/"))
        self.base_url = base_url.rstrip("/")
        self.host = base.netloc.lower()
        self.scheme = base.scheme
        self.base_path = base.path  # "" when the site is served at the root
        self.redirects = _read_redirects(folder / "_redirects") if "_redirects" in files else {}
        # An absolute URL into the site, in text: up to a space, quote, bracket, comma or backslash.
        self.own_urls = re.compile(re.escape(self.base_url) + r"[^\s\"'<>,)\]\\]*")

    def own(self, value: str) -> bool:
        """Whether an absolute URL points into this site."""
        if value.startswith(self.base_url):
            return True
        parts = urlsplit(value)
        return parts.scheme in ("http", "https", "") and parts.netloc.lower() == self.host

    def resolve(self, value: str, base: str) -> tuple[str | None, str, str | None]:
        """(file, fragment, problem) for an internal link `value` found on the page at URL `base`.

        `file` is None when the link leads to no file; `problem` then says why.
        """
        value = value.strip()
        parts = urlsplit(value)
        if parts.netloc or parts.scheme:  # absolute: into this site, else not ours to check
            if value.startswith(self.base_url):
                rest = value[len(self.base_url):]
                if rest and rest[0] not in "/?#":
                    return None, "", f"malformed link to the site: “{value}” (no “/” after {self.base_url})"
            if parts.scheme and parts.scheme != self.scheme:
                return None, "", f"link to the site uses {parts.scheme}: but base_url is {self.scheme}:"
            path = parts.path or "/"
            if self.base_path:
                if not (path + "/").startswith(self.base_path + "/"):
                    return None, "", f"link to the site outside its base path {self.base_path}: “{value}”"
                path = path[len(self.base_path):] or "/"
        else:
            path = urlsplit(urljoin(base, value)).path
        fragment = parts.fragment
        if "//" in path:
            return None, fragment, f"malformed link “{value}” (empty path segment)"
        path = unquote(path)
        normal = posixpath.normpath(path) + ("/" if path.endswith("/") and path != "/" else "")
        if normal.startswith("//") or not normal.startswith("/") or normal.startswith("/.."):
            return None, fragment, f"link “{value}” leads outside the site"
        relative = normal.lstrip("/")
        file = relative + "index.html" if not relative or relative.endswith("/") else relative
        if file in self.files:
            return file, fragment, None
        if relative and (relative in self.folders or f"{relative}/index.html" in self.files):
            return None, fragment, f"link “{value}” points to a folder without its trailing slash"
        if normal in self.redirects or path in self.redirects:
            target = self.redirects.get(normal) or self.redirects[path]
            return None, fragment, f"link “{value}” is a redirect (to {target}); link to the page itself"
        return None, fragment, f"broken link “{value}”: no file {file}"


def _read_redirects(path: Path) -> dict[str, str]:
    redirects = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if len(fields) >= 2 and not line.lstrip().startswith("#"):
            redirects[fields[0]] = fields[1]
    return redirects


class _LineNumbers:
    """Line numbers of offsets met in increasing order, without counting from the start each time."""

    def __init__(self, text: str):
        self.text, self.offset, self.line = text, 0, 1

    def at(self, offset: int) -> int:
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


# --- the check ------------------------------------------------------------------------------------

def check_site(output: Path, *, html_validator: bool = True, base_url: str | None = None,
               content: Path | None = None, validate: list[str] | None = None) -> CheckReport:
    """Check the built site in `output`.

    `base_url` is the address the site is published at; by default it is read from
    `content/site.yaml` (`content` defaults to ./content, then the project's own content/).
    `validate` limits vnu to these pages (paths relative to `output`), still in one run.
    Raises CheckError when the folder is not a site or vnu cannot run.
    """
    started = time.perf_counter()
    folder = Path(output).resolve()
    if not folder.is_dir():
        raise CheckError(f"{output}: no such folder; build the site first (site-builder build)")
    if base_url is None:
        base_url = _base_url(content)
    files = set()
    for directory, _, names in os.walk(folder):
        relative = os.path.relpath(directory, folder)
        for name in names:
            files.add(name if relative == "." else f"{relative}/{name}".replace(os.sep, "/"))
    pages = sorted(f for f in files if f.endswith((".html", ".htm")))
    report = CheckReport(folder=folder, pages=len(pages))
    if "index.html" not in files:
        report.broken_links.append(Problem("index.html", "the site has no home page"))
    site = _Site(folder, files, base_url)
    scans = dict(zip(pages, _scan_pages(folder, pages)))

    edges: dict[str, set[str]] = {page: set() for page in pages}  # page → pages its <a> lead to
    seen: set[tuple[str, str]] = set()  # (page, problem): each reported once per page
    resolved: dict[tuple[str, str], tuple[str | None, str, str | None]] = {}

    def check_link(page: str, line: int | None, value: str, base: str, navigational: bool = False) -> None:
        report.links += 1
        key = (value, "" if value.startswith("/") and not value.startswith("//") else base)
        if key not in resolved:
            resolved[key] = site.resolve(value, base)
        file, fragment, problem = resolved[key]
        if problem:
            if (page, problem) not in seen:
                seen.add((page, problem))
                report.broken_links.append(Problem(page, problem, line))
            return
        if navigational and file in edges:
            edges[page].add(file)
        if fragment and file in scans and fragment != "top":
            ids = scans[file].ids
            if fragment not in ids and unquote(fragment) not in ids:
                message = (f"no element with id “{fragment}” on this page" if file == page
                           else f"link “{value}”: no element with id “{fragment}” on {file}")
                if (page, message) not in seen:
                    seen.add((page, message))
                    report.missing_anchors.append(Problem(page, message, line))

    for page in pages:
        scan = scans[page]
        base = page_url(page)
        for line, identifier in scan.duplicate_ids:
            report.missing_anchors.append(Problem(page, f"id “{identifier}” is used more than once", line))
        for line, tag, attribute, value in scan.refs:
            value = value.strip()
            if tag == "meta" or not _is_internal(value):
                if not (value.startswith(("http:", "https:", "//")) and site.own(value)):
                    continue
            check_link(page, line, value, base, navigational=tag in ("a", "area") and attribute == "href")
        for line, text in scan.texts:
            for url in site.own_urls.findall(text):
                check_link(page, line, url, base)

    for name in sorted(files):
        suffix = Path(name).suffix.lower()
        if name == "_redirects":
            for number, line in enumerate((folder / name).read_text(encoding="utf-8").splitlines(), 1):
                fields = line.split()
                if len(fields) >= 2 and not line.lstrip().startswith("#") and _is_internal(fields[1]):
                    check_link(name, number, fields[1], "/")
        elif suffix == ".css":
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
            lines = _LineNumbers(text)
            for match in re.finditer(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text):
                if _is_internal(match.group(1)):
                    check_link(name, lines.at(match.start()), match.group(1), page_url(name))
        elif suffix in TEXT_SUFFIXES:
            text = (folder / name).read_text(encoding="utf-8", errors="replace")
            if site.base_url not in text:
                continue
            lines = _LineNumbers(text)
            for url in site.own_urls.finditer(text):
                check_link(name, lines.at(url.start()), url.group(0), "/")

    reached = _reachable("index.html", edges)
    report.unreachable = [Problem(page, "cannot be reached from the home page by following links")
                          for page in pages if page not in reached and page not in UNLINKED_PAGES]
    report.seconds = time.perf_counter() - started

    if html_validator:
        began = time.perf_counter()
        targets = pages if validate is None else sorted(set(validate) & set(pages))
        from .check_html import validate_html  # imports this module's Problem; import here, once needed

        report.html_errors = validate_html(folder, None if validate is None else targets)
        report.validated = len(targets)
        report.vnu_seconds = time.perf_counter() - began
    return report


def _is_internal(value: str) -> bool:
    """Root-relative, relative or fragment-only: no scheme (`mailto:`, `https:`), no `//host`."""
    if not value or value.startswith("//"):
        return False
    return not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value)


def _reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    if start not in edges:
        return set()
    reached, queue = {start}, deque([start])
    while queue:
        for target in edges[queue.popleft()]:
            if target not in reached:
                reached.add(target)
                queue.append(target)
    return reached


def _base_url(content: Path | None) -> str:
    from .build import load_site_settings  # the build pulls in the whole pipeline; only now

    candidates = [content] if content is not None else [Path("content"), ROOT / "content"]
    for folder in candidates:
        if (folder / "site.yaml").is_file():
            return load_site_settings(folder)["base_url"]
    return load_site_settings(candidates[0])["base_url"]


__all__ = ["CheckError", "CheckReport", "Problem", "check_site", "page_url"]
