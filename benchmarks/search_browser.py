"""Measuring searches in headless Chromium: bytes fetched cold and warm, latency, results."""

from __future__ import annotations

import http.server
import os
import re
import shutil
import statistics
import threading
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from urllib.parse import quote_plus, unquote, urlsplit


from search_common import Query, TOP, gzip_size, page_url


PAGEFIND_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pagefind benchmark</title></head>
<body><p>Pagefind benchmark page</p>
<script type="module">
let pagefind = null;
window.pfSearch = async (query, top) => {
  const started = performance.now();
  if (pagefind === null) pagefind = await import("/%(subdir)s/pagefind.js");
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, top).map((result) => result.data()));
  const ms = performance.now() - started;
  return {
    ms,
    total: search.results.length,
    urls: data.map((d) => d.url),
    sub: data.map((d) => (d.sub_results || []).slice(0, 3).map((s) => s.url)),
  };
};
window.benchReady = true;
</script></body></html>
"""


# --- The browser --------------------------------------------------------------------------------

class CountingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder and records every response: (path, status, body bytes). Counting
    at the server sees what any client fetches — the page, its modules, its Web Workers (Pagefind
    searches in one) — and nothing the browser took from its cache."""

    def log_message(self, *args) -> None:  # noqa: D102
        pass

    def end_headers(self) -> None:
        # As Netlify serves files that are not fingerprinted: cache, but revalidate.
        self.send_header("Cache-Control", "public, max-age=0, must-revalidate")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802
        body = self.send_head()
        if body is None:  # 304, 404, a redirect: headers only
            self.server.served.append((unquote(urlsplit(self.path).path), 0))
            return
        try:
            size = os.fstat(body.fileno()).st_size
            self.copyfile(body, self.wfile)
        finally:
            body.close()
        self.server.served.append((unquote(urlsplit(self.path).path), size))


class Server:
    def __init__(self, folder: Path):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(folder)))
        self.httpd.served = []
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def take(self) -> list[tuple[str, int]]:
        """The responses served since the last take."""
        served, self.httpd.served = self.httpd.served, []
        return served

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@contextmanager
def serve(folder: Path):
    server = Server(folder)
    try:
        yield server
    finally:
        server.close()


CODE = re.compile(r"\.(?:js|mjs|wasm)$|/wasm\.[^/]*$")


def counted(served: list[tuple[str, int]], keep, output: Path) -> tuple[int, int, int]:
    """(bytes as served, gzipped estimate, of which code: JS and WebAssembly, as served) of the
    responses `keep(path)` selects."""
    raw = gz = code = 0
    for path, size in served:
        if not size or not keep(path):
            continue
        raw += size
        code += size if CODE.search(path) else 0
        file = output / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        gz += gzip_size(file) if file.is_file() else size
    return raw, gz, code


def launch(playwright):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    return playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])


def measure_pagefind_browser(browser, server: Server, output: Path, subdir: str, queries: list[Query]) -> dict:
    bench = output / "__bench__"
    bench.mkdir(exist_ok=True)
    (bench / f"{subdir}.html").write_text(PAGEFIND_PAGE % {"subdir": subdir})
    page_path = f"/__bench__/{subdir}.html"

    def keep(path):
        return path.startswith(f"/{subdir}/")

    def open_page():
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.base + page_path)
        page.wait_for_function("window.benchReady === true")
        return context, page

    def run(page, query: str) -> dict:
        result = page.evaluate("([q, top]) => window.pfSearch(q, top)", [query, TOP])
        page.wait_for_timeout(50)  # a response still being written is counted with its query
        return result

    first, second = [], []
    for i, q in enumerate(queries):
        context, page = open_page()
        server.take()  # the benchmark page itself is not counted
        run(page, q.query)
        first.append(counted(server.take(), keep, output))
        run(page, queries[(i + 1) % len(queries)].query)
        second.append(counted(server.take(), keep, output))
        context.close()

    context, page = open_page()
    latencies, results, raw = [], {}, {}
    for q in queries:
        run(page, q.query)  # warm-up: loads what the query needs
        result = run(page, q.query)
        latencies.append(result["ms"])
        pages = []
        for url, subs in zip(result["urls"], result["sub"]):
            mapped = page_url(url)
            if mapped is None:  # a review page: its best sub-result may be one recommendation
                mapped = next((m for s in subs if (m := page_url(s)) is not None), None)
            pages.append(mapped)
        results[q.query] = pages
        raw[q.query] = result["urls"]
    context.close()
    return {"how": "Chromium, Pagefind JS API", "first": first, "second": second,
            "latency_ms": statistics.median(latencies), "latency_how": "Chromium, search + data() top 5",
            "results": results, "result_urls": raw}


def our_search_page(output: Path) -> bool:
    return (output / "search" / "index.html").is_file()


def measure_ours_browser(browser, server: Server, output: Path, queries: list[Query]) -> dict:
    """Drive our search page's client: /search/?q=… cold, then a second query typed into its
    search box (or, without one, loaded by URL in the same browser context)."""

    def keep(path):
        name = path.rsplit("/", 1)[-1]
        if path in ("/search/", "/search/index.html"):
            return False  # the page itself, as Pagefind's test page is not counted
        return path.startswith("/search/") or (path.startswith("/assets/") and "search" in name and name.endswith(".js"))

    def settle(page):
        try:
            page.wait_for_load_state("networkidle", timeout=10_000)
        except Exception:  # noqa: BLE001
            pass
        page.wait_for_timeout(100)

    first, second = [], []
    for i, q in enumerate(queries):
        context = browser.new_context()
        page = context.new_page()
        server.take()
        page.goto(f"{server.base}/search/?q={quote_plus(q.query)}")
        settle(page)
        first.append(counted(server.take(), keep, output))
        nxt = queries[(i + 1) % len(queries)].query
        box = page.locator("input[type=search], input[name=q]").first
        if box.count():
            box.fill(nxt)
            box.press("Enter")
        else:
            page.goto(f"{server.base}/search/?q={quote_plus(nxt)}")
        settle(page)
        second.append(counted(server.take(), keep, output))
        context.close()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.base}/search/")
    settle(page)
    latencies, results = [], {}
    for q in queries:
        page.evaluate(OUR_QUERY, q.query)  # warm-up: fetches what the query needs
        timed = page.evaluate(OUR_QUERY, q.query)
        latencies.append(timed["ms"])
        results[q.query] = [page_url(u) for u in timed["urls"][:TOP]]
    context.close()
    return {"how": "Chromium, our search page", "first": first, "second": second,
            "latency_ms": statistics.median(latencies),
            "latency_how": "Chromium, submit → results shown (search + render of 10)", "results": results}


# Submit a query through the page's own form and time it until the results are on the page: the
# client marks the results region aria-busy from the submit until it has rendered.
OUR_QUERY = """async (query) => {
  const box = document.querySelector("form[data-index] input[name=q]");
  const region = document.querySelector(".search-results");
  box.value = "";
  box.form.requestSubmit();  // a different state, so that the query below runs again
  await new Promise((done) => requestAnimationFrame(done));
  const started = performance.now();
  box.value = query;
  box.form.requestSubmit();
  while (region.hasAttribute("aria-busy")) await new Promise((done) => setTimeout(done, 0));
  const ms = performance.now() - started;
  const urls = [...region.querySelectorAll(".results > li")].map((li) => li.querySelector("a[href]").getAttribute("href"));
  return {ms, urls};
}"""
