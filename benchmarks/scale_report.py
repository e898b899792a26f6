"""The scale benchmark's tables: one row per archive size, then ours against Hugo."""

from __future__ import annotations

import re

PAGE_LIMIT = 200_000  # bytes: no page should be larger


def _mb(value: float) -> str:
    return f"{value / 1e6:,.0f}"


def table_rows(results: list[dict]) -> list[list[str]]:
    rows = [["scale", "recs", "pages", "ours build s", "ms/page", "peak RSS MB", "output MB", "largest page KB",
             "add-one s (% of full)", "hugo render s", "hugo RSS MB", "pagefind s"]]
    for r in results:
        ours, out, add = r["ours"], r["ours"]["output"], r["add_one"]
        recs = re.search(r"([\d,]+) recommendations", r["archive"]["summary"])
        rows.append([
            f"{r['scale'] // 1000}k", recs.group(1) if recs else "?", f"{ours['pages']:,}", f"{ours['seconds']:.1f}",
            f"{1000 * ours['seconds'] / ours['pages']:.2f}", _mb(ours["tree_pss"]), _mb(out["bytes"]),
            f"{out['largest_page_bytes'] / 1000:.0f}" + (f" ({out['pages_over_200kb']} > 200)" if out["pages_over_200kb"] else ""),
            f"{add['seconds']:.1f} ({100 * add['seconds'] / ours['seconds']:.1f} %)",
            f"{r['hugo']['render']['seconds']:.1f}" if "hugo" in r else "—",
            _mb(r["hugo"]["render"]["tree_pss"]) if "hugo" in r else "—",
            f"{r['pagefind']['seconds']:.1f}" if "pagefind" in r else "—",
        ])
    return rows


def ratio_rows(results: list[dict]) -> list[list[str]]:
    rows = [["scale", "pages ours / hugo", "build s ours / hugo", "rendering stage / hugo", "peak RSS ours / hugo",
             "HTML MB ours / hugo", "cores busy ours, hugo", "hugo conversion s"]]
    for r in results:
        if "hugo" not in r:
            continue
        ours, hugo_render, hugo_out = r["ours"], r["hugo"]["render"], r["hugo"]["output"]
        rendering = ours["stages"].get("Rendering pages")
        rows.append([
            f"{r['scale'] // 1000}k",
            f"{ours['pages']:,} / {hugo_out['html_pages']:,}",
            f"{ours['seconds'] / hugo_render['seconds']:.2f}",
            f"{rendering / hugo_render['seconds']:.2f}" if rendering else "?",
            f"{ours['tree_pss'] / hugo_render['tree_pss']:.2f}",
            f"{_mb(ours['output']['html_bytes'])} / {_mb(hugo_out['html_bytes'])}",
            f"{ours['cpu_seconds'] / ours['seconds']:.2f}, {hugo_render['cpu_seconds'] / hugo_render['seconds']:.2f}",
            f"{r['hugo']['conversion']['seconds']:.1f}",
        ])
    return rows


def format_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(cell.rjust(width) for cell, width in zip(row, widths)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def warnings(results: list[dict]) -> list[str]:
    found = []
    for r in results:
        out = r["ours"]["output"]
        if out["pages_over_200kb"]:
            found.append(f"{r['scale']:,}: {out['pages_over_200kb']} of our pages are over 200 KB "
                         f"(largest {out['largest_page']}, {out['largest_page_bytes'] / 1000:.0f} KB)")
        if "hugo" in r:
            ours, theirs = r["ours"]["pages"], r["hugo"]["output"]["html_pages"]
            if abs(ours - theirs) > 0.03 * ours:
                found.append(f"{r['scale']:,}: Hugo made {theirs:,} pages, we {ours:,}: more than 3 % apart")
        add = r["add_one"]
        if add["seconds"] > 0.05 * r["ours"]["seconds"]:
            found.append(f"{r['scale']:,}: adding one report took {100 * add['seconds'] / r['ours']['seconds']:.1f} % "
                         "of a full build (target < 5 %)")
    return found
