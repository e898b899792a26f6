"""Charts (site_builder/charts.py and _partials/chart.html): the picture and its table say the same
numbers as the data, bars are proportional, the same data gives the same bytes, hostile names stay
text, empty data draws nothing; a page of every kind passes the Nu Html Checker and axe-core.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import jinja2
import pytest
from markupsafe import escape

from site_builder import charts
from site_builder.charts import (Row, Series, bar_chart, column_chart, positions_by_cycle,
                                 recommendations_by_action_level, recommendations_by_group,
                                 theme_by_cycle)
from site_builder.classify.taxonomy import Theme
from site_builder.enrich import Made
from site_builder.model import NOTED, PENDING, SUPPORTED, UNKNOWN, State
from site_builder.parse import parse_file
from site_builder.render import TEMPLATES

ROOT = Path(__file__).resolve().parents[1]
CORPUS_REPORTS = ROOT.parent / "shared" / "corpus" / "reports"
SVG = "{http://www.w3.org/2000/svg}"
THEME = Theme("torture", "Torture & ill-treatment", "")
HOSTILE = "<script>alert(\"x\")</script> Côte d'Ivoire & \"Friends\""

# The first verb decides the level in these samples, the way the classifier will (roughly).
SAMPLE_LEVELS = {"Adopt": 5, "Ratify": 5, "Continue": 2, "Consider": 3, "Ensure": 4, "Take": 4, "Strengthen": 4}


def svg_tree(chart) -> ET.Element:
    """The chart's SVG parsed as XML: this fails for any broken markup."""
    return ET.fromstring(chart.svg)


def rects(chart, css_class: str | None = None) -> list[dict]:
    return [r.attrib for r in svg_tree(chart).iter(SVG + "rect")
            if css_class is None or r.get("class") == css_class]


def texts(chart) -> list[ET.Element]:
    return list(svg_tree(chart).iter(SVG + "text"))


def render_macro(chart) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string('{% from "_partials/chart.html" import chart_figure %}{{ chart_figure(chart) }}')
    return template.render(chart=chart)


def table_numbers(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


@pytest.fixture(scope="module")
def seed_report():
    return parse_file(ROOT / "content" / "reports" / "A-HRC-28-10.txt")


@pytest.fixture(scope="module")
def kazakhstan(seed_report):
    """Kazakhstan's cycle 1 (from the corpus, if it is there) and cycle 2 (the seed); a made-up
    cycle 3 with some positions pending, so every position shows."""
    reports = [seed_report]
    if (CORPUS_REPORTS / "kazakhstan2010.txt").is_file():
        reports.insert(0, parse_file(CORPUS_REPORTS / "kazakhstan2010.txt"))
    recs = tuple(dataclasses.replace(rec, position=PENDING if i % 7 == 0 else UNKNOWN if i == 3 else rec.position)
                 for i, rec in enumerate(seed_report.recommendations[:120]))
    third = dataclasses.replace(seed_report, recommendations=recs,
                                review=dataclasses.replace(seed_report.review, cycle=3))
    return [*reports, third]


def classified(report):
    """The report with action levels and one theme set, as the classifier branches will."""
    recs = []
    for i, rec in enumerate(report.recommendations):
        level = SAMPLE_LEVELS.get(rec.text.split(" ", 1)[0])
        themes = ("torture",) if "tortur" in rec.text.lower() or i % 9 == 0 else ()
        recs.append(dataclasses.replace(rec, action_level=level, themes=themes))
    return dataclasses.replace(report, recommendations=tuple(recs))


def made_in(reports):
    """Every recommendation of `reports`, each with its report, as a theme's record holds them."""
    return [Made(report, rec) for report in reports for rec in report.recommendations]


def in_cycle(report, cycle):
    return dataclasses.replace(report, review=dataclasses.replace(report.review, cycle=cycle))


# --- the numbers -------------------------------------------------------------------------------

def test_positions_table_holds_each_reviews_counts(kazakhstan):
    chart = positions_by_cycle("Kazakhstan", kazakhstan)
    assert chart.table.headers == ("Cycle", "Supported", "Noted", "Pending", "Position unknown", "Total")
    for report, row in zip(kazakhstan, chart.table.rows, strict=True):
        counts = report.counts_by_position()
        assert row == (f"Cycle {report.review.cycle}", counts[SUPPORTED], counts[NOTED], counts[PENDING],
                       counts[UNKNOWN], len(report.recommendations))


def test_positions_summary_sentence_gives_the_totals(seed_report):
    chart = positions_by_cycle("Kazakhstan", [seed_report])
    assert chart.description == "In 1 review, Kazakhstan received 194 recommendations: 143 supported and 51 noted."
    # pending and unknown, zero everywhere, leave the table and the legend
    assert chart.table.headers == ("Cycle", "Supported", "Noted", "Total")
    assert "Pending" not in chart.svg


def test_group_chart_counts_a_joint_recommendation_once_in_each_group(seed_report):
    mexico = State("MEX", "Mexico", "mexico", "Latin American and Caribbean")
    france = State("FRA", "France", "france", "Western European and others")
    kenya = State("KEN", "Kenya", "kenya", "African")
    observer = State("VAT", "Holy See", "holy-see", "Observer")
    base = seed_report.recommendations[0]
    recs = (dataclasses.replace(base, recommended_by=(mexico,)),
            dataclasses.replace(base, recommended_by=(france, kenya, france)),
            dataclasses.replace(base, recommended_by=(observer,)),
            dataclasses.replace(base, recommended_by=()))
    chart = recommendations_by_group(dataclasses.replace(seed_report, recommendations=recs))
    assert dict(chart.table.rows) == {"African": 1, "Asia-Pacific": 0, "Eastern European": 0,
                                      "Latin American and Caribbean": 1, "Western European and others": 1,
                                      "Others": 1, "No state named": 1}
    assert "1 was made jointly by states of several groups" in chart.description
    # a zero draws no bar, but its row still says 0
    assert len(rects(chart, "chart-bar")) == 5
    assert [t.text for t in texts(chart)].count("0") == 2


def test_group_chart_of_the_seed_matches_the_report(seed_report):
    chart = recommendations_by_group(seed_report)
    expected = Counter()
    for rec in seed_report.recommendations:
        expected.update({state.group for state in rec.recommended_by})
    assert {label: n for label, n in chart.table.rows} == {group: expected[group] for group in charts.GROUPS}
    assert chart.description.startswith("Of 194 recommendations, 69 came from the Western European and others group")


def test_action_levels_count_each_level_and_the_unclassified(seed_report):
    report = classified(seed_report)
    chart = recommendations_by_action_level(report)
    levels = Counter(rec.action_level for rec in report.recommendations)
    assert chart.table.rows == (*((f"{level} {name}", levels[level]) for level, name in charts.ACTION_LEVELS.items()),
                                ("Not classified", levels[None]))
    assert levels[None] and levels[5]  # the sample really has both


def test_theme_columns_count_per_cycle_and_position(seed_report):
    first, second = classified(in_cycle(seed_report, 1)), classified(seed_report)
    chart = theme_by_cycle(THEME, made_in([second, first]))
    on_theme = [rec for rec in second.recommendations if "torture" in rec.themes]
    per_position = Counter(rec.position for rec in on_theme)
    row = (per_position[SUPPORTED], per_position[NOTED], len(on_theme))
    assert chart.table.rows == (("Cycle 1", *row), ("Cycle 2", *row), ("Cycle 3", 0, 0, 0), ("Cycle 4", 0, 0, 0))
    simple = theme_by_cycle(THEME, made_in([first, second]), by_position=False)
    assert simple.table.rows == (("Cycle 1", len(on_theme)), ("Cycle 2", len(on_theme)), ("Cycle 3", 0), ("Cycle 4", 0))


# --- the picture ------------------------------------------------------------------------------

def test_bar_lengths_are_proportional_to_the_values():
    values = [120, 60, 30, 1, 0, 7]
    chart = bar_chart("chart-test", "T", "D", charts.COUNT_SERIES,
                      [Row(f"Row {i}", (v,)) for i, v in enumerate(values)], row_header="Row")
    widths = [float(r["width"]) for r in rects(chart, "chart-bar")]
    assert len(widths) == 5  # the zero draws nothing
    per_unit = widths[0] / 120
    for width, value in zip(widths, [v for v in values if v], strict=True):
        assert abs(width - value * per_unit) <= 0.1, (width, value)
    assert widths[0] < charts.WIDTH  # room for its total after it


def test_stacked_segments_are_proportional_and_touch(kazakhstan):
    chart = positions_by_cycle("Kazakhstan", kazakhstan)
    segments = [r for r in rects(chart) if r["class"].startswith("chart-fill-") and float(r["width"]) != 14]
    rows = {}
    for rect in segments:
        rows.setdefault(rect["y"], []).append(rect)
    per_unit = None
    for (label, *values, total), row_rects in zip(chart.table.rows, rows.values(), strict=True):
        drawn = [v for v in values if v]
        assert len(row_rects) == len(drawn)
        x = 0.0
        for rect, value in zip(row_rects, drawn, strict=True):
            assert abs(float(rect["x"]) - x) <= 0.1, f"{label}: a gap or overlap at {rect}"
            width = float(rect["width"])
            per_unit = per_unit or width / value
            assert abs(width - value * per_unit) <= 0.15, (label, width, value)
            x += width


def test_column_heights_are_proportional():
    chart = column_chart("chart-test", "T", "D", charts.COUNT_SERIES,
                         [Row("Cycle 1", (10,)), Row("Cycle 2", (40,)), Row("Cycle 3", (0,)), Row("Cycle 4", (25,))],
                         row_header="Cycle")
    heights = [float(r["height"]) for r in rects(chart, "chart-bar")]
    expected = [charts.COLUMN_AREA * v / 40 for v in (10, 40, 25)]
    assert all(abs(h - e) <= 0.1 for h, e in zip(heights, expected, strict=True)), (heights, expected)
    bottoms = {round(float(r["y"]) + float(r["height"]), 1) for r in rects(chart, "chart-bar")}
    assert len(bottoms) == 1, "columns stand on one baseline"


def test_segment_numbers_show_where_they_fit_and_name_their_position(kazakhstan):
    chart = positions_by_cycle("Kazakhstan", kazakhstan)
    labels = [t.text for t in texts(chart) if "chart-on-" in t.get("class", "")]
    first = chart.table.rows[0]
    assert f"{first[1]} supported" in labels, labels  # the wide segment says what it is
    # every number drawn inside a segment is one of the table's numbers
    numbers = {str(v) for row in chart.table.rows for v in row[1:]}
    assert all(label.split(" ")[0] in numbers for label in labels)


def test_long_labels_wrap_and_never_overlap():
    long = "Western European and others"
    rows = [Row(long, (5,)), Row("Latin American and Caribbean", (3,)), Row("A" * 60, (1,))]
    bars = bar_chart("chart-bars", "T", "D", charts.COUNT_SERIES, rows, row_header="Group")
    columns = column_chart("chart-columns", "T", "D", charts.COUNT_SERIES, rows, row_header="Group")
    for chart in (bars, columns):
        labels = [t for t in texts(chart) if t.get("class") == "chart-label"]
        slot = charts.WIDTH if chart is bars else charts.WIDTH / len(rows)
        for label in labels:
            assert charts._text_width(label.text, charts.LABEL_SIZE) <= slot, label.text
        assert "".join(t.text.replace(" ", "") for t in labels) == "".join(r.label.replace(" ", "") for r in rows)
    # in the bars, every label line is its own line below the one before
    ys = [float(t.get("y")) for t in texts(bars)]
    label_ys = [float(t.get("y")) for t in texts(bars) if t.get("class") == "chart-label"]
    assert all(b - a >= charts.LABEL_SIZE for a, b in zip(label_ys, label_ys[1:], strict=False))
    assert max(ys) <= float(svg_tree(bars).get("viewBox").split()[3])


def test_the_same_data_gives_the_same_bytes(kazakhstan, seed_report):
    def draw():
        return [positions_by_cycle("Kazakhstan", kazakhstan), recommendations_by_group(seed_report),
                recommendations_by_action_level(classified(seed_report)),
                theme_by_cycle(THEME, made_in([classified(seed_report)]))]
    first, second = draw(), draw()
    assert first == second
    assert positions_by_cycle("Kazakhstan", list(reversed(kazakhstan))) == first[0]
    coordinates = re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', "".join(c.svg for c in first))
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d)?", c) for c in coordinates), \
        "coordinates have one decimal at most"


def test_hostile_names_stay_text_in_the_svg_and_the_table(seed_report):
    hostile = State("XXX", HOSTILE, "x", HOSTILE)
    recs = tuple(dataclasses.replace(rec, recommended_by=(hostile,)) for rec in seed_report.recommendations[:3])
    report = dataclasses.replace(seed_report, recommendations=recs)
    made = [positions_by_cycle(HOSTILE, [report]),
            bar_chart("chart-x", HOSTILE, HOSTILE, [Series("a", HOSTILE), Series("b", "B")],
                      [Row(HOSTILE, (3, 4))], row_header=HOSTILE),
            theme_by_cycle(Theme("torture", HOSTILE, ""), made_in([classified(report)]))]
    for chart in made:
        tree = svg_tree(chart)  # well-formed despite the quotes and ampersands
        assert "<script" not in chart.svg and "&lt;script&gt;" in chart.svg
        assert tree.find(SVG + "title").text == chart.title and tree.find(SVG + "desc").text == chart.description
        assert HOSTILE in chart.title or HOSTILE in "".join(t.text for t in texts(chart))
        html = render_macro(chart)
        assert "<script" not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_bad_ids_and_negative_counts_are_refused():
    with pytest.raises(ValueError, match="lower-case"):
        bar_chart('x" onload="y', "T", "D", charts.COUNT_SERIES, [Row("a", (1,))], row_header="R")
    with pytest.raises(ValueError, match="negative"):
        bar_chart("chart-x", "T", "D", charts.COUNT_SERIES, [Row("a", (-1,))], row_header="R")


# --- nothing to draw --------------------------------------------------------------------------

def test_empty_data_draws_no_svg_but_a_sentence(seed_report):
    nothing = dataclasses.replace(seed_report, recommendations=())
    unclassified = dataclasses.replace(seed_report, recommendations=tuple(
        dataclasses.replace(rec, action_level=None, themes=()) for rec in seed_report.recommendations))
    empties = [positions_by_cycle("Kazakhstan", []), positions_by_cycle("Kazakhstan", [nothing]),
               recommendations_by_group(nothing), recommendations_by_action_level(unclassified),
               theme_by_cycle(THEME, made_in([unclassified])), theme_by_cycle(THEME, [])]
    for chart in empties:
        assert chart.empty and chart.svg == ""
        html = render_macro(chart).strip()
        assert html == f'<p class="chart-empty">{escape(chart.description)}</p>', html
    assert empties[3].description == "No recommendation here has an action level yet."
    assert render_macro(recommendations_by_group(seed_report)).count("<svg") == 1


# --- colours ----------------------------------------------------------------------------------

def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_colours_match_the_badges_and_meet_contrast():
    css = (TEMPLATES / "static" / "style.css").read_text(encoding="utf-8")
    for position in (SUPPORTED, NOTED, PENDING, UNKNOWN):
        badge = re.search(rf"\.position-{position} {{ color: (#\w{{6}}); background: (#\w{{6}}); }}", css)
        fill = re.search(rf"\.chart-fill-{position} {{ fill: (#\w{{6}}); stroke: (#\w{{6}}); }}", css)
        ink = re.search(rf"\.chart-on-{position} {{ fill: (#\w{{6}}); }}", css)
        assert badge and fill and ink, position
        assert fill.groups() == (badge.group(2), badge.group(1)), f"{position}: not the badge's colours"
        assert _contrast(ink.group(1), fill.group(1)) >= 4.5, position  # numbers on the segment
        assert _contrast(fill.group(2), "#ffffff") >= 3, position  # the segment's edge on the page
    bar = re.search(r"\.chart-bar {{ fill: (#\w{{6}}); }}".replace("{{", "{").replace("}}", "}"), css)
    assert bar and _contrast(bar.group(1), "#ffffff") >= 3


# --- a page of charts: Nu Html Checker and axe-core ------------------------------------------

def sample_page(folder: Path, reports, seed_report) -> Path:
    """A small page that links the real stylesheet and shows a chart of each kind."""
    report = classified(seed_report)
    cycles = [classified(in_cycle(seed_report, 1)), report, classified(in_cycle(reports[-1], 3))]
    chart_list = [positions_by_cycle("Kazakhstan", reports), recommendations_by_group(report),
                  recommendations_by_action_level(report), theme_by_cycle(THEME, made_in(cycles)),
                  theme_by_cycle(THEME, made_in(cycles), by_position=False, chart_id="chart-theme-total"),
                  recommendations_by_action_level(dataclasses.replace(seed_report, recommendations=tuple(
                      dataclasses.replace(rec, action_level=None) for rec in seed_report.recommendations)),
                      chart_id="chart-empty")]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    page = env.from_string("""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Charts</title><link rel="stylesheet" href="style.css"></head>
<body><main class="wrap"><h1>Every kind of chart</h1>
{% from "_partials/chart.html" import chart_figure %}
{% for chart in charts %}<h2>{{ chart.title }}</h2>
{{ chart_figure(chart) }}
<p>Text after the chart, to see the spacing around it.</p>
{% endfor %}
</main></body></html>
""").render(charts=chart_list)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATES / "static" / "style.css", folder / "style.css")
    (folder / "index.html").write_text(page, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def chart_page(tmp_path_factory, kazakhstan, seed_report) -> Path:
    return sample_page(tmp_path_factory.mktemp("charts"), kazakhstan, seed_report)


def test_a_page_of_charts_passes_the_nu_html_checker(chart_page):
    from site_builder.check import CheckError
    from site_builder.check_html import validate_html
    try:
        problems = validate_html(chart_page)
    except CheckError as error:
        pytest.skip(str(error))
    assert not problems, "\n".join(f"{p.page}:{p.line}: {p.message}" if hasattr(p, "line") else str(p)
                                   for p in problems)


def test_a_page_of_charts_passes_axe(chart_page):
    sync_api = pytest.importorskip("playwright.sync_api")
    axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    from site_fixtures import serving
    from test_accessibility import describe
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (bash scripts/setup.sh installs it)")
    with sync_api.sync_playwright() as playwright, serving(chart_page) as url:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url + "/")
                assert page.locator("svg.chart-svg").count() == 5
                violations = axe.Axe().run(page).response["violations"]
                assert not violations, describe(violations)
                # nothing drawn leaves its figure on a phone
                overflow = page.evaluate("""() => [...document.querySelectorAll('svg.chart-svg')].flatMap(svg => {
                    const box = svg.getBoundingClientRect();
                    return [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect())
                        .filter(r => r.left < box.left - 1 || r.right > box.right + 1).map(r => r.right - box.right);
                })""")
                assert not overflow, f"at {width} px, text leaves the chart: {overflow}"
                page.close()
        finally:
            browser.close()


def test_summaries_name_every_leader_when_counts_tie(seed_report):
    base = seed_report.recommendations[0]
    recs = tuple(dataclasses.replace(base, action_level=level) for level in (2, 4, 2, 4, 1, None))
    chart = recommendations_by_action_level(dataclasses.replace(seed_report, recommendations=recs))
    assert chart.description == ("Of 5 recommendations with an action level, the most (2 each) ask for "
                                 "continuing action (level 2) and general action (level 4). 1 could not be classified.")
    kenya = State("KEN", "Kenya", "kenya", "African")
    france = State("FRA", "France", "france", "Western European and others")
    recs = (dataclasses.replace(base, recommended_by=(kenya,)), dataclasses.replace(base, recommended_by=(france,)))
    chart = recommendations_by_group(dataclasses.replace(seed_report, recommendations=recs))
    assert chart.description == ("Of 2 recommendations, the most (1 each) came from the African group and "
                                 "the Western European and others group.")
