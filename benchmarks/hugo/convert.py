"""A built site_builder archive → a Hugo site that renders the same pages from the same data.

    .venv/bin/python benchmarks/hugo/convert.py --content C --output O --site S

Reads what the build published: O/data/recommendations.json, every recommendation as the JSON
export has it (permalink, review, id, paragraph, position and the addendum's response, recommending
states with their groups, themes, action level, text), in the archive's order. A review page also
shows what the exports do not hold (its paragraphs, dates, troika, head of delegation, documents;
the wordings clustered under one id): that is taken from the JSON contract of `site-builder parse
--json` for each report of C/reports (the same function, called in process on both cores; addenda
are skipped, their responses being in the export). States' slugs come from site_builder's
registry, themes' slugs, descriptions and rules from its taxonomy (classify/).

What Hugo's render then counts itself, in the layouts, with `where`/`len`/`GroupByParam`: every
count by position, the review pages' two charts (regional group, action level), the state pages'
chart and tables by cycle (shares supported and specific, most frequent themes), the theme pages'
chart, tables and lists, the share of specific recommendations; the SVG bars and columns are drawn
in the templates (layouts/partials/chart-svg.html), as site_builder/charts.py draws them.

What is computed here instead, outside Hugo's timed render (as site_builder computes it before
rendering, archive-wide, in Python):
  - "Across cycles" on a recommendation page (site_builder/across.py): the same recommending
    state's asks to the same state under review on the same theme in its other reviews, the
    nearest 20 on each side, written into the page's front matter (across_earlier, across_later);
  - where a paragraph's opening words name its speaker (pages.py's _speaker_words, a registry
    lookup), written as the paragraph's speaker_words;
  - each recommendation's sort key for its theme's lists (order_key: its weight, its place in the
    order the reviews were held), since Hugo's ByParam sort is not stable.
Only our "same ask elsewhere" lists (from the search index) are left out.

Writes the Hugo site S (which must not exist): config.toml and layouts/ copied from
benchmarks/hugo/, the site's CSS and JS from templates/static/ into static/assets/, and one
content file with JSON front matter per page:

    content/_index.md, search.md, about.md …       home, search frame, prose pages (content/pages)
    content/reviews/_index.md                      /reviews/, every review
    content/reviews/<state>/<cycle>/review.md      the review: paragraphs and recommendations
    content/reviews/<state>/<cycle>/table.md       its recommendations as one table
    content/recommendations/_index.md              /recommendations/, 200 rows a page
    content/recommendations/<state>/<cycle>/rec-N.md   one recommendation (its export row)
    content/states/_index.md, <slug>/_index.md     /states/ and each state: the `states` taxonomy
    content/staterecs/<slug>/_index.md             /states/<slug>/recommendations/, 200 rows a page
    content/themes/_index.md, <slug>/_index.md     /themes/ and every shipped theme (its rules): the
                                                   `themes` taxonomy, which recommendations carry
    content/themerecs/<slug>/_index.md             /themes/<slug>/recommendations/, 200 rows a page

Every page sets its `url` to site_builder's, so the two sites have the same addresses (but for
the long lists' later pages: Hugo's …/page/2/ for our …/page-2/).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent


def parse_report(path: str) -> tuple[str, dict] | None:
    """One report → (its review key, `kazakhstan/cycle-2`; its `parse --json` contract); None for
    an addendum (its responses are in the export's rows already)."""
    from site_builder.contract import report_to_dict
    from site_builder.model import Report
    from site_builder.parse import parse_document
    from site_builder.urls import review_key

    report = parse_document(path)
    return (review_key(report), report_to_dict(report)) if isinstance(report, Report) else None


def parse_all(content: Path) -> dict[str, dict]:
    from site_builder.build import report_files

    files = [str(path) for path in report_files(content)]
    with ProcessPoolExecutor() as pool:
        return dict(parsed for parsed in pool.map(parse_report, files, chunksize=4) if parsed)


def review_key_of(path: str) -> str:
    """`/reviews/kazakhstan/cycle-2/125.8/` → `kazakhstan/cycle-2` (a review key is two segments)."""
    return "/".join(path.split("/")[2:4])


def rows_by_review(output: Path, base_url: str) -> dict[str, list[dict]]:
    """The archive's recommendations, grouped by review in the order the export lists them; their
    themes as slugs (the `themes` taxonomy's terms), the export giving names."""
    from site_builder.classify.taxonomy import load_taxonomy

    slug_of = {theme.name: theme.slug for theme in load_taxonomy()}
    grouped: dict[str, list[dict]] = {}
    rows = json.loads((output / "data" / "recommendations.json").read_text(encoding="utf-8"))
    for row in rows:
        row["href"] = row["permalink"].removeprefix(base_url)
        row["themes"] = [slug_of[name] for name in row["themes"]]
        # the addendum's document when the position is the state's later response, else ""
        row["response_document"] = row["position_source"] if row["response_in_part"] is not None else ""
        grouped.setdefault(review_key_of(row["href"]), []).append(row)
    return grouped


ACROSS_CYCLES_SHOWN = 20  # on each side, as site_builder/report_pages.py shows them


def _cycle_order(row: dict) -> tuple:
    return (row["cycle"] or 0, row["state_under_review"])


def across_cycles(rows: dict[str, list[dict]]) -> dict[tuple[str, str], tuple[list[dict], list[dict]]]:
    """(review key, id) → (earlier, later): what the same recommending state asked the same state
    under review on the same theme in its other reviews, as site_builder/across.py finds them
    (the same order; the nearest ACROSS_CYCLES_SHOWN on each side). Archive-wide, so done here,
    outside Hugo's timed render, like the related lists site_builder computes before rendering."""
    asks: dict[tuple[str, str, str], list[tuple[str, dict]]] = defaultdict(list)
    for key, review_rows in rows.items():
        for row in review_rows:
            for state in row["recommended_by"]:
                for slug in row["themes"]:
                    asks[(row["state_under_review_iso3"], state["iso3"], slug)].append((key, row))
    found = {}
    for key, review_rows in rows.items():
        for row in review_rows:
            seen: dict[tuple[str, str], dict] = {}
            for state in row["recommended_by"]:
                for slug in row["themes"]:
                    for other_key, other in asks[(row["state_under_review_iso3"], state["iso3"], slug)]:
                        if other_key != key:
                            seen.setdefault((other_key, other["id"]), other)
            if seen:
                ordered = sorted(seen.values(), key=_cycle_order)
                cycle = row["cycle"] or 0
                found[(key, row["id"])] = ([r for r in ordered if (r["cycle"] or 0) <= cycle][-ACROSS_CYCLES_SHOWN:],
                                           [r for r in ordered if (r["cycle"] or 0) > cycle][:ACROSS_CYCLES_SHOWN])
    return found


def across_item(row: dict, states: States) -> dict:
    """One recommendation of an "Across cycles" list, as the recommendation page shows it."""
    return {"id": row["id"], "text": row["text"], "href": row["href"], "position": row["position"],
            "cycle": row["cycle"], "review_url": "/reviews/" + review_key_of(row["href"]) + "/",
            "recommended_by": [states.link(state) for state in row["recommended_by"]]}


POSITION_LABELS = {"supported": "Supported", "noted": "Noted", "pending": "Pending", "unknown": "Position unknown"}


def review_page(key: str) -> str:
    """The review's content file, as Hugo's GetPage finds it."""
    return f"/reviews/{key}/review.md"


class States:
    """The registry's states by ISO code, as the pages link them."""

    def __init__(self):
        from site_builder.states import load_registry

        self.registry = load_registry()
        self.by_iso3 = {state.iso3: state for state in self.registry.all()}

    def slug(self, iso3: str) -> str:
        return self.by_iso3[iso3].slug

    def speaker_words(self, paragraph: dict) -> str:
        """The words a paragraph opens with that name its speaker ("The Czech Republic"), which
        become the link to the state, as site_builder/report_pages.py's _speaker_words finds them."""
        found = self.registry.match_at_start(paragraph["text"]) if paragraph["speaker"] else None
        return paragraph["text"][:found[1]] if found and found[0].iso3 == paragraph["speaker"]["iso3"] else ""

    def link(self, state: dict | None) -> dict | None:
        return None if state is None else {"name": state["name"], "slug": self.slug(state["iso3"])}


def write_page(path: Path, front_matter: dict, body: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(front_matter, ensure_ascii=False) + "\n" + body, encoding="utf-8")


def review_title(contract: dict) -> str:
    when = f"cycle {contract['cycle']}" if contract["cycle"] else f"session {contract['session']}"
    return f"{contract['state_under_review']['name']}, {when}"


def review_front_matter(key: str, contract: dict, rows: list[dict], states: States, weight: int) -> dict:
    sur = contract["state_under_review"]
    troika = [states.link(s) for s in contract["troika"]]
    paragraphs = [{
        "number": p["number"], "section": p["section"], "subsection": p["subsection"] or "",
        "speaker_name": p["speaker"]["name"] if p["speaker"] else "",
        "speaker_slug": states.slug(p["speaker"]["iso3"]) if p["speaker"] else "",
        "speaker_iso3": p["speaker"]["iso3"] if p["speaker"] else "",
        # a statement on the speaker's page: what it said in others' dialogues
        "statement_by": states.slug(p["speaker"]["iso3"]) if p["speaker"] and p["speaker"] != sur else "",
        "text": p["text"], "speaker_words": states.speaker_words(p),
    } for p in contract["paragraphs"]]
    advance = [states.link(s) for s in contract["advance_questions_by"]]
    recommendations = [{
        "id": row["id"], "paragraph": row["paragraph"], "text": row["text"], "position": row["position"],
        "position_in_report": row["position_in_report"], "response_document": row["response_document"],
        "response_in_part": row["response_in_part"], "action_level": row["action_level"] or 0,
        "themes": row["themes"], "recommended_by": row["recommended_by"],
        "iso3s": [s["iso3"] for s in row["recommended_by"]],
        "groups": list(dict.fromkeys(s["group"] for s in row["recommended_by"])),
        "href": row["href"],
    } for row in rows]
    tagged = ({states.slug(sur["iso3"])} | {s["slug"] for s in troika} | {s["slug"] for s in advance}
              | {p["statement_by"] for p in paragraphs})
    return {
        "title": f"Universal Periodic Review of {review_title(contract)}",
        "description": f"{contract['title']}: {sur['name']} ({contract['symbol'] or 'cycle ' + str(contract['cycle'])})"
                       f" — {len(rows)} recommendations",
        "url": f"/reviews/{key}/", "layout": "review", "pagekind": "review", "weight": weight,
        "state_under_review": sur["name"], "state_under_review_iso3": sur["iso3"],
        "sur_slug": states.slug(sur["iso3"]), "cycle": contract["cycle"] or "",
        "session": contract["session"] or "", "hrc_session": contract["hrc_session"] or "",
        "symbol": contract["symbol"] or "", "doc_title": contract["title"], "issued": contract["date"] or "",
        "review_date": contract["review_date"] or "", "adoption_date": contract["adoption_date"] or "",
        "head_of_delegation": contract["head_of_delegation"] or "", "documents": contract["documents"],
        "troika": troika, "troika_slugs": [s["slug"] for s in troika],
        "advance_questions_by": advance,
        "data_name": key.replace("/", "-"),
        "paragraphs": paragraphs, "recommendations": recommendations,
        "states": sorted(tagged - {""}),
    }


def _held_order(contract: dict) -> tuple:
    return (contract["cycle"] or 0, contract["session"] or 0, contract["review_date"] or "",
            contract["state_under_review"]["name"], contract["symbol"] or "")


def recommendation_front_matter(row: dict, review: dict, index: int, weight: int, states: States,
                                across: tuple[list[dict], list[dict]]) -> dict:
    by = [{**state, "slug": states.slug(state["iso3"])} for state in row["recommended_by"]]
    names = ", ".join(state["name"] for state in by) or "no state named"
    title = review["title"].removeprefix("Universal Periodic Review of ")
    return {
        **row, "recommended_by": by,
        "title": f"Recommendation {row['id']} to {row['state_under_review']} ({names})",
        "description": f"{row['text'][:200]} — {POSITION_LABELS[row['position']]}; {title}",
        "doc_title": review["doc_title"], "issued": review["issued"],
        "url": row["href"], "layout": "recommendation", "pagekind": "recommendation", "weight": weight,
        "review": review_page(review_key_of(review["url"])), "review_url": review["url"], "index": index,
        "sur_slug": review["sur_slug"], "states": sorted({state["slug"] for state in by}),
        # a state page groups what it recommended by review, in order of cycle and state
        "group_key": f"{review['cycle'] or 0:02d} {row['state_under_review']}",
        # a theme's pages in site_builder's order (the weight's), unique: Hugo's ByParam sort is
        # not stable
        "order_key": f"{weight:08d}",
        "action_level": row["action_level"] or 0,
        "across_earlier": [across_item(other, states) for other in across[0]],
        "across_later": [across_item(other, states) for other in across[1]],
    }


def write_reviews(site: Path, contracts: dict[str, dict], rows: dict[str, list[dict]],
                  states: States) -> tuple[set[str], set[str]]:
    """Each review's three kinds of page; returns the slugs of the states they tag, and of those
    that made recommendations."""
    order = list(rows) + sorted(set(contracts) - set(rows))
    across = across_cycles(rows)
    tagged: set[str] = set()
    recommending: set[str] = set()
    # each recommendation's weight is its place in the order the reviews were held
    # (site_builder.enrich.held_order), which Hugo's lists follow
    first_weight, weight = {}, 0
    for key in sorted(order, key=lambda key: _held_order(contracts[key])):
        first_weight[key] = weight
        weight += len(rows.get(key, []))
    for number, key in enumerate(order, 1):
        folder = site / "content" / "reviews" / key
        review = review_front_matter(key, contracts[key], rows.get(key, []), states, number)
        write_page(folder / "review.md", review)
        title = review_title(contracts[key])
        write_page(folder / "table.md", {
            "title": f"Recommendations to {title}", "url": review["url"] + "recommendations/",
            "description": f"All {len(review['recommendations'])} recommendations made to "
                           f"{review['state_under_review']} in its review, sortable and filterable.",
            "layout": "table", "pagekind": "table", "review": review_page(key), "weight": number})
        tagged |= set(review["states"])
        # the wordings clustered under one id (recent reports): the contract has them, the export not
        parts = {rec["id"]: rec["parts"] for rec in contracts[key]["recommendations"] if rec.get("parts")}
        for index, row in enumerate(rows.get(key, [])):
            weight = first_weight[key] + index + 1
            front = recommendation_front_matter(row, review, index, weight, states,
                                                across.get((key, row["id"]), ([], [])))
            front["parts"] = [{"text": part["text"], "recommended_by": [states.link(s) for s in part["recommended_by"]]}
                              for part in parts.get(row["id"], [])]
            write_page(site / "content" / "recommendations" / key / f"rec-{index:04d}.md", front)
            recommending |= set(front["states"])
    return tagged | recommending, recommending


def write_states(site: Path, slugs: set[str], recommending: set[str], states: States) -> None:
    """The term page of each state, and the paged list of what each recommending state made (a
    section of its own under staterecs/, which itself makes no page)."""
    by_slug = {state.slug: state for state in states.by_iso3.values()}
    write_page(site / "content" / "staterecs" / "_index.md", {"_build": {"render": "never", "list": "never"}})
    for slug in sorted(recommending):
        name = by_slug[slug].name
        write_page(site / "content" / "staterecs" / slug / "_index.md", {
            "title": f"Recommendations made by {name}", "url": f"/states/{slug}/recommendations/",
            "state_slug": slug, "state_name": name,
            "description": f"Every recommendation {name} made, by review. Sortable and filterable."})
    write_page(site / "content" / "states" / "_index.md", {
        "title": "States", "description": "All states in the archive, as states under review, "
        "recommending states and speakers."})
    for slug in sorted(slugs):
        state = by_slug[slug]
        write_page(site / "content" / "states" / slug / "_index.md", {
            "title": state.name, "iso3": state.iso3, "group": state.group,
            "description": f"{state.name} in the Universal Periodic Review."})


def write_themes(site: Path, rows: dict[str, list[dict]]) -> None:
    """/themes/ and the term page of every theme, with its rules (the `themes` taxonomy:
    recommendation pages carry their themes' slugs; a theme no recommendation has still gets its
    page, as in site_builder); and the paged list of each theme that has recommendations (a
    section of its own under themerecs/, which itself makes no page)."""
    from site_builder.classify.taxonomy import all_themes
    from site_builder.classify.themes import rules_by_theme

    # every theme of the taxonomy has its page and its list, shipped or not, as in site_builder
    taxonomy, rules = all_themes(), rules_by_theme()
    write_page(site / "content" / "themes" / "_index.md", {
        "title": "Themes", "pagekind": "themes",
        "description": f"The {sum(t.shipped for t in taxonomy)} themes every recommendation is sorted into by "
                       "published rules, from the death penalty to the rights of persons with disabilities, with how "
                       "many recommendations each holds."})
    write_page(site / "content" / "themerecs" / "_index.md", {"_build": {"render": "never", "list": "never"}})
    for weight, theme in enumerate(taxonomy, 1):
        rule = rules[theme.slug]
        write_page(site / "content" / "themes" / theme.slug / "_index.md", {
            "title": f"{theme.name}: UPR recommendations", "name": theme.name, "pagekind": "theme",
            "theme_description": theme.description, "weight": weight, "shipped": theme.shipped,
            "not_shipped_because": theme.not_shipped_because or "",
            "rules": {"patterns": list(rule.patterns), "unless": list(rule.unless),
                      "not_in_examples": rule.not_in_examples}})
        # the list of a theme no recommendation has is there too, empty
        write_page(site / "content" / "themerecs" / theme.slug / "_index.md", {
            "title": f"Recommendations on {theme.name.lower()}", "url": f"/themes/{theme.slug}/recommendations/",
            "theme_slug": theme.slug, "theme_name": theme.name,
            "description": f"Every recommendation on {theme.name.lower()}, in the order the reviews were held"})


def write_frame(site: Path, content: Path, templates: Path, settings: dict) -> None:
    """Config, layouts, assets, and the pages that are not made from reports."""
    shutil.copy(HERE / "config.toml", site / "config.toml")
    shutil.copytree(HERE / "layouts", site / "layouts")
    shutil.copytree(templates / "static", site / "static" / "assets")
    pages = site / "content"
    write_page(pages / "_index.md", {"title": settings["title"], "description": settings["tagline"]})
    write_page(pages / "reviews" / "_index.md", {"title": "Reviews", "description": "All reviews in the archive."})
    write_page(pages / "recommendations" / "_index.md", {
        "title": "All recommendations", "description": "All recommendations in the archive, by review. "
        "Sortable and filterable by position, recommending state, regional group and cycle."})
    write_page(pages / "search.md", {"title": "Search", "url": "/search/", "layout": "search",
                                     "description": "Search every recommendation in the archive."})
    for prose in sorted((content / "pages").glob("*.md")):
        text = prose.read_text(encoding="utf-8")
        title = next((line[2:].strip() for line in text.splitlines() if line.startswith("# ")), prose.stem)
        write_page(pages / prose.name, {"title": title, "url": f"/{prose.stem}/"}, text)


def convert(content: Path, output: Path, site: Path, templates: Path) -> dict:
    started = time.perf_counter()
    settings = yaml.safe_load((content / "site.yaml").read_text(encoding="utf-8"))
    site.mkdir(parents=True)  # refuses a folder that exists: nothing of anyone's is replaced
    contracts = parse_all(content)
    parsed = time.perf_counter()
    rows = rows_by_review(output, settings["base_url"].rstrip("/"))
    missing = set(rows) - set(contracts)
    if missing:
        raise SystemExit(f"the export lists reviews no report in {content} gives: {sorted(missing)[:5]}")
    states = States()
    write_frame(site, content, templates, settings)
    write_states(site, *write_reviews(site, contracts, rows, states), states)
    write_themes(site, rows)
    files = sum(1 for _ in (site / "content").rglob("*.md"))
    return {"content_files": files, "reviews": len(contracts), "parse_seconds": parsed - started,
            "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, required=True, help="the content folder the archive was built from")
    parser.add_argument("--output", type=Path, required=True, help="the built site (its data/ exports are read)")
    parser.add_argument("--site", type=Path, required=True, help="the Hugo site to write (must not exist)")
    parser.add_argument("--templates", type=Path, default=HERE.parents[1] / "templates",
                        help="site_builder's templates, for the static CSS and JS")
    args = parser.parse_args(argv)
    print(json.dumps(convert(args.content, args.output, args.site, args.templates)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
