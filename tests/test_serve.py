"""`site-builder serve`: the WSGI app and the watcher on their own, then the whole loop for real —
a server process, a page open in headless Chromium, edits to the content, Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import pytest

from site_builder.serve import Builder, DebouncedWatcher, SiteApp, serve

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
PAGE = "/reviews/kazakhstan/cycle-2/125.8/"
TIMEOUT = 30  # seconds; only reached when something is wrong


def wait_until(condition, timeout=TIMEOUT, step=0.05):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {condition}")
        time.sleep(step)
    return result


# --- the WSGI app --------------------------------------------------------------------------------

def get(app, path, method="GET"):
    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path.encode("utf-8").decode("latin-1"), REQUEST_METHOD=method)
    response = {}

    def start_response(status, headers):
        response.update(status=status, headers=dict(headers))

    body = b"".join(app(environ, start_response))
    return response["status"], response["headers"], body.decode("utf-8")


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "output"
    (root / "reviews").mkdir(parents=True)
    (root / "assets").mkdir()
    (root / "index.html").write_text("<!doctype html><html><head></head><body class=home><p>home</p></body></html>")
    (root / "404.html").write_text("<!doctype html><html><head></head><body><h1>Page not found</h1></body></html>")
    (root / "reviews" / "index.html").write_text("<!doctype html><html><head></head><body>all reviews</body></html>")
    (root / "assets" / "site.css").write_text("body{}")
    (root / "feed.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("not for the web")
    (root / "escape").symlink_to(tmp_path / "secret.txt")
    return root


def test_the_app_serves_files_directory_indexes_and_the_sites_404(site):
    app = SiteApp(site)
    assert get(app, "/")[0] == "200 OK" and "home" in get(app, "/")[2]
    status, headers, body = get(app, "/reviews/")
    assert (status, headers["Content-Type"], body.count("all reviews")) == ("200 OK", "text/html; charset=utf-8", 1)
    status, headers, _ = get(app, "/reviews")
    assert (status, headers["Location"]) == ("301 Moved Permanently", "/reviews/")
    assert get(app, "/assets/site.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert get(app, "/feed.json")[1]["Content-Type"] == "application/json; charset=utf-8"
    status, headers, body = get(app, "/reviews/nowhere/")
    assert status == "404 Not Found" and "Page not found" in body and headers["Content-Type"].startswith("text/html")
    assert get(app, "/", method="POST")[0] == "405 Method Not Allowed"


@pytest.mark.parametrize("path", ["/../secret.txt", "/reviews/../../secret.txt", "/escape", "/%2e%2e/secret.txt"])
def test_the_app_refuses_paths_out_of_the_site(site, path):
    status, _, body = get(SiteApp(site), path)
    assert status in ("403 Forbidden", "404 Not Found") and "not for the web" not in body
    if ".." in path or path == "/escape":
        assert status == "403 Forbidden"


def test_the_banner_shows_the_error_escaped_on_every_html_page_while_the_build_fails(site):
    app = SiteApp(site)
    app.error = 'content/reports/x.txt: unexpected <script>alert("x")</script> & more'
    for path in ("/", "/reviews/", "/missing"):
        body = get(app, path)[2]
        assert '<div id="site-builder-error"' in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in body
        assert "<script>alert" not in body
    body = get(app, "/")[2]
    assert body.index("<body class=home>") < body.index("site-builder-error") < body.index("<p>home</p>")
    assert get(app, "/assets/site.css")[2] == "body{}"  # only HTML pages carry it
    app.error = None
    assert "site-builder-error" not in get(app, "/")[2]


def test_before_any_good_build_a_page_with_the_banner_and_a_head_for_the_reload_script(tmp_path):
    app = SiteApp(tmp_path / "never-built")
    app.error = "content/reports: holds no reports (.txt or .pdf)"
    status, _, body = get(app, "/")
    assert status == "404 Not Found" and "holds no reports" in body and "</head>" in body


# --- watching and building -----------------------------------------------------------------------

def test_a_burst_of_changes_makes_one_rebuild_and_output_is_never_watched(tmp_path):
    content, output = tmp_path / "content", tmp_path / "content" / "output"
    output.mkdir(parents=True)
    bursts = []
    watcher = DebouncedWatcher([content], bursts.append, skip=[output], quiet=0.3, poll=0.05)
    watcher.start()
    try:
        for i in range(6):  # an editor saving several files, 50 ms apart
            (content / f"page{i}.md").write_text(f"page {i}")
            time.sleep(0.05)
        wait_until(lambda: bursts)
        (output / "index.html").write_text("built")  # what a build writes must not trigger one
        (content / ".site-builder-cache-output").mkdir()
        (content / ".site-builder-cache-output" / "x").write_text("cache")
        time.sleep(0.6)  # two quiet periods: long enough for a second rebuild to show up
        assert len(bursts) == 1
        assert sorted(Path(p).name for p in bursts[0]) == [f"page{i}.md" for i in range(6)]
        (content / "page0.md").unlink()
        wait_until(lambda: len(bursts) == 2)
        assert [Path(p).name for p in bursts[1]] == ["page0.md"]
    finally:
        watcher.stop()
        watcher.thread.join(5)


def test_after_a_code_change_builds_run_in_a_fresh_process(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    shutil.copytree(CONTENT, content)
    builder = Builder(content, output)
    builder.fresh_process = True
    assert builder.run() is None
    assert (output / "reviews" / "kazakhstan" / "cycle-2" / "125.8" / "index.html").is_file()
    (content / "reports" / "A-HRC-28-10.txt").write_text("garbage\n")
    error = builder.run()
    assert error.startswith(f"{content / 'reports' / 'A-HRC-28-10.txt'}: ") and "\n" not in error


def test_a_port_in_use_is_reported_in_one_line(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        assert serve(tmp_path / "content", tmp_path / "output", port=taken.getsockname()[1]) == 1
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err


# --- the whole loop, in a browser ----------------------------------------------------------------

class ServerProcess:
    """`python -m site_builder serve` in a subprocess, its output collected as it comes."""

    def __init__(self, content: Path, output: Path):
        env = dict(os.environ, PYTHONUNBUFFERED="1",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--port", "0", "--content", str(content),
             "--output", str(output)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=content.parent)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=lambda: self.lines.extend(self.process.stdout), daemon=True)
        self.reader.start()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for(self, pattern: str, after: int = 0) -> re.Match:
        return wait_until(lambda: re.search(pattern, "".join(self.lines[after:])))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def test_the_open_page_reloads_on_edits_shows_build_errors_and_ctrl_c_stops_cleanly(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    report = content / "reports" / "A-HRC-28-10.txt"
    good_report = report.read_bytes()
    server = ServerProcess(content, tmp_path / "output")
    try:
        port = int(server.wait_for(r"http://127\.0\.0\.1:(\d+)/").group(1))
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}{PAGE}")
            page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0")
            server.wait_for("Browser Connected")  # the server counts the page among those to reload
            expect = sync_api.expect

            def reloaded():
                try:
                    return page.evaluate("document.readyState === 'complete' && window.notReloadedYet === undefined")
                except sync_api.Error:  # asked in the middle of the reload
                    return False

            def reloads_by_itself(edit):
                """Make the edit, and wait until the page has reloaded without being asked."""
                page.evaluate("window.notReloadedYet = true")
                seen = len(server.lines)
                edit()
                wait_until(reloaded)
                return seen

            # (1) an edit: the title changes on the open page
            settings = content / "site.yaml"
            reloads_by_itself(lambda: settings.write_text(
                settings.read_text().replace("title: UPR Archive", "title: UPR Archive (draft)")))
            expect(page.locator(".site-title")).to_have_text("UPR Archive (draft)")

            # (2) a broken report: the banner with the error, over the last good page
            seen = reloads_by_itself(lambda: report.write_text("garbage, not a report\n"))
            banner = page.locator("#site-builder-error")
            expect(banner).to_contain_text("Build failed")
            expect(banner).to_contain_text("A-HRC-28-10.txt: ")
            expect(page.locator("h1")).to_have_text("Recommendation 125.8")
            expect(page.locator(".site-title")).to_have_text("UPR Archive (draft)")
            error_line = server.wait_for(r"site-builder: (\S*A-HRC-28-10\.txt: .*)", after=seen).group(1)
            assert banner.locator("pre").inner_text() == error_line

            # (3) fixed: the banner goes
            reloads_by_itself(lambda: report.write_bytes(good_report))
            expect(banner).to_have_count(0)
            expect(page.locator("h1")).to_have_text("Recommendation 125.8")

            # (4) Ctrl-C, with the page still connected
            server.process.send_signal(signal.SIGINT)
            assert server.process.wait(timeout=5) == 0
            browser.close()
        server.reader.join(5)
        assert "Stopped." in server.output and "Traceback" not in server.output, server.output
        with socket.socket() as probe:  # the port is free again
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(("127.0.0.1", port))
    finally:
        server.stop()
