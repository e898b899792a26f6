"""Screenshots of the main page kinds at phone and desktop widths, to look at as a reader would.

    .venv/bin/python scripts/screenshots.py [--output output] [--to screenshots/] [--full] [--print] [--nojs]
        [--only home,review]

Serves the built site on 127.0.0.1 and drives Debian's Chromium through Playwright.
--print also writes <name>-print.png (print media, A4 width, whole page) and <name>.pdf.
--nojs takes the pictures with JavaScript off (the pages must read fully without it).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

# A page is "path" or "path selector": with a selector, the picture starts at that element
# (scrolled to, unlike a #fragment, so :target styles do not colour the picture).
PAGES = {
    "home": "/",
    "reviews": "/reviews/",
    "review": "/reviews/kazakhstan/cycle-2/",
    "review-contents": "/reviews/kazakhstan/cycle-2/ #summary",
    "review-dialogue": "/reviews/kazakhstan/cycle-2/#para-24",
    "review-recs": "/reviews/kazakhstan/cycle-2/#para-125",
    "recommendation": "/reviews/kazakhstan/cycle-2/125.8/",
    "list": "/reviews/kazakhstan/cycle-2/recommendations/",
    "list-table": "/reviews/kazakhstan/cycle-2/recommendations/ table.recommendations",
    "all-recs": "/recommendations/",
    "states": "/states/",
    "state": "/states/hungary/",
    "state-reviewed": "/states/kazakhstan/",
    "about": "/about/",
    "method": "/method/",
    "404": "/404.html",
}
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
PRINT_WIDTH = 794  # A4 at 96 dpi


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep the output to the list of pictures
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=Path("output"))
    parser.add_argument("--to", type=Path, default=Path("screenshots"))
    parser.add_argument("--full", action="store_true", help="whole page, not just the first screen")
    parser.add_argument("--print", action="store_true", help="also print-media screenshots and PDFs")
    parser.add_argument("--nojs", action="store_true", help="with JavaScript turned off")
    parser.add_argument("--only", default="", help="comma-separated page names from PAGES")
    args = parser.parse_args()
    pages = {k: v for k, v in PAGES.items() if not args.only or k in args.only.split(",")}
    args.to.mkdir(parents=True, exist_ok=True)
    server, base = serve(args.output)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu"])
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              java_script_enabled=not args.nojs)
                page = context.new_page()
                for name, spec in pages.items():
                    path, _, selector = spec.partition(" ")
                    page.goto(base + path)
                    if selector:
                        page.locator(selector).first.evaluate("e => e.scrollIntoView()")
                    target = args.to / f"{name}-{width_name}.png"
                    page.screenshot(path=str(target), full_page=args.full)
                    print(target)
                context.close()
            if args.print:
                context = browser.new_context(viewport={"width": PRINT_WIDTH, "height": 1123})
                page = context.new_page()
                for name, spec in pages.items():
                    page.goto(base + spec.partition(" ")[0])
                    page.emulate_media(media="print")
                    page.pdf(path=str(args.to / f"{name}.pdf"), format="A4",
                             margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"})
                    target = args.to / f"{name}-print.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                    page.emulate_media(media="screen")
                context.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
