"""Built sites for the checks of the published output, shared by the test modules.

    (registered in conftest.py as a plugin: test modules just name the fixtures)

Each pytest-xdist worker builds its own copy once (the seed builds in about a second).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from site_builder.build import build, load_site_settings

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
CORPUS = ROOT.parent / "shared" / "corpus"
BASE_URL = load_site_settings(CONTENT)["base_url"]


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The seed content built into a fresh folder, once per test session (per xdist worker)."""
    output = tmp_path_factory.mktemp("seed-site") / "output"
    build(CONTENT, output)
    return output


def corpus_content(folder: Path) -> Path:
    """content/ copied into `folder`, with the 25 corpus reports added beside the seed."""
    if not (CORPUS / "reports").is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    content = folder / "content"
    shutil.copytree(CONTENT, content)
    for report in sorted((CORPUS / "reports").glob("*.txt")):
        shutil.copy(report, content / "reports" / report.name)
    return content


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    headers_to_send: dict[str, str] = {}

    def end_headers(self):
        for name, value in self.headers_to_send.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serving(folder: Path, headers: dict[str, str] | None = None):
    """`folder` served over HTTP on 127.0.0.1 (random port), with `headers` on every response;
    yields its base URL."""
    handler = type("Handler", (_QuietHandler,), {"headers_to_send": headers or {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def seed_server(seed_site):
    """The built seed site served over HTTP on 127.0.0.1 (random port); yields its base URL."""
    with serving(seed_site) as url:
        yield url
