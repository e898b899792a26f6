"""`site-builder serve`: build, serve output/ with live reload, rebuild after each burst of edits.

The browser page reloads after every build attempt: after a good one it shows the new site, after
a failed one it shows the last good site with the error in a banner on top (output/ is untouched
by a failed build, so there is always a last good site to show once one build has succeeded).
"""

from __future__ import annotations

import html
import mimetypes
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import quote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from .build import build
from .errors import BuildError, ReportError
from .render import TEMPLATES

CODE = Path(__file__).resolve().parent
QUIET = 0.3  # seconds without a new change that end a burst (an editor's multi-save, a git checkout)
POLL = 0.1
SKIPPED_SUFFIXES = ("~", ".swp", ".swx", ".pyc", ".tmp")  # editor and interpreter droppings

TYPES = {".js": "text/javascript", ".json": "application/json", ".woff2": "font/woff2",
         ".webmanifest": "application/manifest+json", ".xml": "application/xml"}
BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
BANNER = ('<div id="site-builder-error" role="alert" style="all:initial;display:block;box-sizing:border-box;'
          'position:sticky;top:0;z-index:2147483647;padding:12px 16px;background:#b00020;color:#fff;'
          'font:15px/1.4 system-ui,sans-serif;border-bottom:4px solid #ffd54f">'
          '<strong>Build failed</strong> — showing the last good site until the next successful build.'
          '<pre style="margin:8px 0 0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace;color:#fff">'
          '{}</pre></div>')
# Served for a missing file when the site has no 404.html yet (the very first build failed).
# It has a </head> so that livereload can inject its script: the page reloads once the build is fixed.
NO_SITE = (b"<!doctype html><html lang=en><head><meta charset=utf-8><title>Not found</title></head>"
           b"<body><h1>Not found</h1><p>No site has been built here yet.</p></body></html>")


def content_type(path: Path) -> str:
    kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    kind = kind or ("text/plain" if not path.suffix else "application/octet-stream")  # _redirects
    textual = kind.startswith("text/") or kind.endswith(("json", "xml"))
    return f"{kind}; charset=utf-8" if textual else kind


def with_banner(page: bytes, error: str) -> bytes:
    banner = BANNER.format(html.escape(error)).encode("utf-8")
    body = BODY.search(page)
    at = body.end() if body else 0
    return page[:at] + banner + page[at:]


class SiteApp:
    """WSGI app serving a built site like Netlify would, plus the error banner while a build fails."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.error: str | None = None  # the last build's one-line error; None after a good build

    def __call__(self, environ, start_response):
        def respond(status, body, kind="text/plain; charset=utf-8", extra=()):
            if kind.startswith("text/html") and self.error:
                body = with_banner(body, self.error)
            # no-store: a reload must show the banner's coming and going even when no file changed
            start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                                    ("Cache-Control", "no-store"), *extra])
            return [body]

        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return respond("405 Method Not Allowed", b"method not allowed\n", extra=[("Allow", "GET, HEAD")])
        # PEP 3333: PATH_INFO is the URL's bytes, decoded as latin-1
        url_path = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace") or "/"
        if "\0" in url_path:
            return respond("400 Bad Request", b"bad request\n")
        path = (self.root / url_path.lstrip("/")).resolve()
        if path != self.root and self.root not in path.parents:  # `..` or a symlink out of the site
            return respond("403 Forbidden", b"forbidden: outside the site folder\n")
        if path.is_dir():
            if not url_path.endswith("/"):  # like Netlify: /about → /about/, so relative links work
                query = environ.get("QUERY_STRING")
                location = quote(url_path + "/") + (f"?{query}" if query else "")
                return respond("301 Moved Permanently", b"", extra=[("Location", location)])
            path = path / "index.html"
        status = "200 OK"
        if not path.is_file():
            status, path = "404 Not Found", self.root / "404.html"
        try:
            data = path.read_bytes()
        except OSError:  # no 404.html, or output/ being swapped by a build right now
            return respond("404 Not Found", NO_SITE, "text/html; charset=utf-8")
        return respond(status, data, content_type(path))


class Builder:
    """Runs the builds. In this process while the code is the one it started with; once code under
    site_builder/ has changed, imported modules are stale, so every later build runs in a fresh
    `python -m site_builder build` instead (the build's cache is on disk, so it stays fast)."""

    def __init__(self, content: Path, output: Path):
        self.content, self.output = content, output
        self.fresh_process = False
        self.child: subprocess.Popen | None = None

    def run(self) -> str | None:
        """Build once; returns None, or the error as one line."""
        if self.fresh_process:
            return self._run_in_child()
        try:
            result = build(self.content, self.output)
        except (BuildError, ReportError) as error:
            return str(error)
        except Exception as error:  # a bug rather than a bad edit: its traceback is what helps
            traceback.print_exc()
            return f"{type(error).__name__}: {error}"
        print(f"Built {result.pages} pages into {self.output}/ in {result.seconds:.1f} s", flush=True)
        return None

    def _run_in_child(self) -> str | None:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(CODE.parent), os.environ.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "site_builder", "build", "--content", str(self.content), "--output", str(self.output)]
        # own session: Ctrl-C in the terminal is ours to handle; stop() ends the child
        self.child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                      env=env, start_new_session=True)
        out, err = self.child.communicate()
        print(out, end="", flush=True)
        if self.child.returncode == 0:
            return None
        lines = err.strip().splitlines() or [f"the build exited with status {self.child.returncode}"]
        if not lines[-1].startswith("site-builder: "):
            print(err, end="", file=sys.stderr, flush=True)  # a traceback: show all of it
        return lines[-1].removeprefix("site-builder: ")

    def stop(self) -> None:
        if self.child and self.child.poll() is None:
            self.child.terminate()
            self.child.wait()


class DebouncedWatcher(Watcher):
    """Polls the watched folders from a thread and calls `on_burst(changed paths)` once per burst:
    when nothing more has changed for `quiet` seconds. It replaces livereload's own watching, which
    runs a task once per changed file and throttles reloads to one per few seconds."""

    def __init__(self, folders, on_burst, skip=(), quiet=QUIET, poll=POLL):
        super().__init__()
        self.folders = [Path(f) for f in folders]
        self.skip = {Path(s).resolve() for s in skip}
        self.on_burst, self.quiet, self.poll = on_burst, quiet, poll
        for folder in self.folders:
            super().watch(str(folder))  # for livereload's bookkeeping only; examine() below ignores it
        self.baseline = self.snapshot()  # taken before the first build: edits made during it count
        self._stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="site-builder-watch", daemon=True)

    def snapshot(self) -> dict[str, tuple[int, int]]:
        state = {}
        for folder in self.folders:
            for root, dirs, files in os.walk(folder):
                # hidden folders hold output/ staging, the build cache, .git; output/ itself is never watched
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"
                           and Path(root, d).resolve() not in self.skip]
                for name in files:
                    if name.endswith(SKIPPED_SUFFIXES):
                        continue
                    path = os.path.join(root, name)
                    try:
                        stat = os.stat(path)
                    except OSError:  # deleted meanwhile, or a dangling editor lock link
                        continue
                    state[path] = (stat.st_mtime_ns, stat.st_size)
        return state

    def start(self, callback=None) -> bool:
        self.thread.start()
        return True  # tells livereload not to start its own polling

    def examine(self):
        return None, None  # livereload never decides a reload itself

    def stop(self) -> None:
        self._stopping.set()

    def _loop(self) -> None:
        built = seen = self.baseline
        last_change = time.monotonic()
        while not self._stopping.wait(self.poll):
            now = self.snapshot()
            if now != seen:
                seen, last_change = now, time.monotonic()
            elif seen != built and time.monotonic() - last_change >= self.quiet:
                changed = {p for p in seen.keys() | built.keys() if seen.get(p) != built.get(p)}
                built = seen  # changes made during the build differ from this: they make the next burst
                self.on_burst(sorted(changed))


def _check_port(host: str, port: int) -> int:
    """The port to listen on (a free one for 0); OSError when it is taken. livereload binds it
    itself a moment later, so there is a tiny window in which another program could take it."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado does
        probe.bind((host, port))
        return probe.getsockname()[1]


def serve(content: Path, output: Path, host: str = "127.0.0.1", port: int = 8000,
          templates: Path = TEMPLATES) -> int:
    try:
        port = _check_port(host, port)
    except OSError as error:
        print(f"site-builder: cannot listen on {host}:{port}: {error.strerror}", file=sys.stderr)
        return 1
    app, builder = SiteApp(output), Builder(content, output)
    io_loop = IOLoop.current()  # the loop livereload's serve() runs

    def rebuild(changed: list[str]) -> None:  # in the watcher's thread
        if not builder.fresh_process and any(CODE in Path(p).resolve().parents for p in changed):
            builder.fresh_process = True
            print("code changed: building in a fresh process from now on (python -m site_builder build)", flush=True)
        print(f"{len(changed)} file(s) changed, rebuilding…", flush=True)
        report(builder.run())

    def report(error: str | None) -> None:
        app.error = error
        if error:
            print(f"site-builder: {error}\n  (still serving the last good site)", file=sys.stderr, flush=True)
        io_loop.add_callback(LiveReloadHandler.reload_waiters)  # thread-safe; reload either way

    watcher = DebouncedWatcher([content, templates, CODE], rebuild, skip=[output])
    report(builder.run())
    print(f"Serving {output}/ at http://{host}:{port}/ — watching {content}/, {templates}/ and the "
          "site_builder code. Ctrl-C to stop.", flush=True)

    # Ctrl-C and SIGTERM stop the loop from inside, instead of a KeyboardInterrupt landing anywhere
    for signum in (signal.SIGINT, signal.SIGTERM):
        io_loop.asyncio_loop.add_signal_handler(signum, io_loop.stop)
    server = Server(app=app, watcher=watcher)
    try:
        # debug=False: tornado's autoreload would re-exec the process on every code change
        server.serve(port=port, host=host, debug=False)  # returns when the loop stops
    finally:
        watcher.stop()
        builder.stop()
        if watcher.thread.is_alive():
            watcher.thread.join(5)  # let an in-process build finish publishing
    print("Stopped.", flush=True)
    return 0
