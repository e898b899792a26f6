"""Pages → HTML through the Jinja templates; prose pages from Markdown; fingerprinted assets.

Autoescaping is on for every template: report text is data, and a report that contains
`<script>` shows it as text.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jinja2
import markdown

from .model import ACTION_LEVELS
from .pages import POSITION_LABELS, Page, long_date, review_title, state_roles
from .urls import Urls, paragraph_anchor, recommendation_anchor

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def fingerprint_assets(static: Path) -> dict[str, bytes]:
    """`style.css` → `style.3f2a9c1b0d.css`, so the files can be cached for a year."""
    assets = {}
    for path in sorted(static.iterdir()):
        if path.is_file():
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            assets[f"{path.stem}.{digest}{path.suffix}"] = data
    return assets


def asset_names(assets: dict[str, bytes]) -> dict[str, str]:
    """Original name → fingerprinted name."""
    names = {}
    for name in assets:
        stem, _digest, suffix = name.rsplit(".", 2)
        names[f"{stem}.{suffix}"] = name
    return names


def environment(urls: Urls, site: dict, templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the build, not the page
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build renders thousands of pages; don't stat templates for each
    )
    env.globals.update(
        urls=urls, site=site, position_labels=POSITION_LABELS, review_title=review_title,
        state_roles=state_roles, paragraph_anchor=paragraph_anchor,
        recommendation_anchor=recommendation_anchor, action_levels=ACTION_LEVELS,
    )
    env.filters["long_date"] = long_date
    env.filters["json_ld"] = _json_ld
    return env


def _json_ld(data: dict) -> str:
    """JSON for a `<script type="application/ld+json">` block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return jinja2.utils.markupsafe.Markup(
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    template = env.get_template(page.template)
    return template.render(page=page, **page.template_context()).encode("utf-8")


def prose_pages(folder: Path, urls: Urls) -> list[Page]:
    """content/pages/NAME.md → /NAME/. The first `# heading` is the title; the first paragraph
    the description."""
    pages = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        lines = text.strip().splitlines()
        title = lines[0].lstrip("# ").strip() if lines and lines[0].startswith("# ") else path.stem.title()
        body = "\n".join(lines[1:]) if lines and lines[0].startswith("# ") else text
        first = next((block.strip() for block in body.split("\n\n") if block.strip()), title)
        html = markdown.markdown(body, extensions=["tables", "toc", "smarty"], output_format="html")
        url = urls.page(path.stem)
        pages.append(Page(url, "prose.html", title, " ".join(first.split())[:200],
                          {"body": jinja2.utils.markupsafe.Markup(html)},
                          breadcrumbs=(("Archive", urls.home()), (title, url)), inputs=(f"file:{path}",)))
    return pages
