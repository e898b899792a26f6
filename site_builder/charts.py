"""Charts as server-rendered SVG, each with the table of its numbers: no JavaScript, no library.

A Chart is plain data: a title, a one-sentence description (what a reader should take from it,
also the SVG's <desc>), the SVG markup and a Table of the same numbers, which
templates/_partials/chart.html shows under the picture for screen readers, print and citing.

Two shapes cover every chart the site draws:
  - bars: one horizontal bar per row (regional groups, action levels, cycles of a review),
  - columns: one vertical column per row (cycles, for change over time),
each either simple (one series) or stacked (one segment per series, e.g. per position).

The SVG is deterministic (coordinates rounded to one decimal, integers printed one way), so the
same numbers give the same bytes. Its text is sized for a 390 px phone: the viewBox is narrow and
the stylesheet caps the width on wider screens. Labels sit on their own line above each bar and
wrap, so long names ("Western European and others") never run into a bar or each other.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .classify.taxonomy import Theme
from .enrich import Made
from .model import ACTION_LEVELS, NOTED, PENDING, POSITIONS, SUPPORTED, UNKNOWN, Report
from .states import GROUPS

# The drawing's width in SVG units: one unit per CSS pixel on a 390 px phone (its column is 358 px),
# so a 15-unit label reads at 15 px there; style.css caps the width (24rem) so it stays near the body
# size on a desktop.
WIDTH = 360
LABEL_SIZE = 15  # row labels and numbers
SMALL_SIZE = 13  # the legend
BAR_HEIGHT = 24
COLUMN_AREA = 170  # the height of the tallest column

POSITION_WORDS = {SUPPORTED: "supported", NOTED: "noted", PENDING: "pending", UNKNOWN: "position unknown"}
POSITION_HEADERS = {SUPPORTED: "Supported", NOTED: "Noted", PENDING: "Pending", UNKNOWN: "Position unknown"}
OTHER_GROUP = "Others"  # recommending states outside the five UN regional groups
NO_STATE = "No state named"
NOT_CLASSIFIED = "Not classified"

_KEY = re.compile(r"[a-z0-9][a-z0-9-]*\Z")  # series keys become CSS classes and ids


@dataclass(frozen=True)
class Series:
    """One kind of segment in a stacked chart, e.g. the supported recommendations."""

    key: str  # for the CSS class chart-KEY, e.g. "supported"
    label: str  # e.g. "Supported"


@dataclass(frozen=True)
class Row:
    """One bar or column: its label and one value per series."""

    label: str
    values: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True)
class Table:
    """The chart's numbers as a real table: a row header, then the numbers (ints, not text)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str | int, ...], ...]


@dataclass(frozen=True)
class Chart:
    id: str  # unique on its page: the SVG's <title> and <desc> ids derive from it
    title: str
    description: str  # one sentence: what the chart shows, in numbers
    svg: str  # the markup, escaped here; "" when there is nothing to draw
    table: Table

    @property
    def empty(self) -> bool:
        return not self.svg


# --- the charts the site shows ---------------------------------------------------------------

POSITION_SERIES = tuple(Series(position, POSITION_HEADERS[position]) for position in POSITIONS)
COUNT_SERIES = (Series("count", "Recommendations"),)


def positions_by_cycle(state_name: str, reports: Iterable[Report], chart_id: str = "chart-positions") -> Chart:
    """A state's reviews, one bar per cycle, split by the state's position on each recommendation."""
    counts: dict[int | None, Counter] = {}
    for report in reports:
        counts.setdefault(report.review.cycle, Counter()).update(rec.position for rec in report.recommendations)
    order = sorted(counts, key=lambda cycle: (cycle is None, cycle or 0))
    rows = [Row(f"Cycle {cycle}" if cycle else "Cycle not known",
                tuple(counts[cycle][position] for position in POSITIONS)) for cycle in order]
    series, rows = _drop_empty_series(POSITION_SERIES, rows)
    totals = _series_totals(series, rows)
    total = sum(totals.values())
    reviews = f"{len(rows)} review{'s' if len(rows) != 1 else ''}"
    description = (f"In {reviews}, {state_name} received {_count(total)} recommendation{_s(total)}: "
                   f"{_position_phrase(totals)}." if total else
                   f"No recommendations to {state_name} are recorded yet.")
    return bar_chart(chart_id, f"Positions of {state_name} on the recommendations it received, by cycle",
                     description, series, rows, row_header="Cycle")


def recommendations_by_group(report: Report, chart_id: str = "chart-groups") -> Chart:
    """A review's recommendations by the UN regional group of the states that made them.

    A recommendation made jointly by states of several groups counts once in each of them.
    """
    counts: Counter = Counter()
    shared = 0
    for rec in report.recommendations:
        groups = {state.group if state.group in GROUPS else OTHER_GROUP for state in rec.recommended_by}
        counts.update(groups or {NO_STATE})
        shared += len(groups) > 1
    labels = [*GROUPS] + [label for label in (OTHER_GROUP, NO_STATE) if counts[label]]
    rows = [Row(label, (counts[label],)) for label in labels]
    total = len(report.recommendations)
    most = max(row.total for row in rows)
    leaders = [row.label for row in rows if row.total == most]
    if not total:
        description = "There are no recommendations in this review."
    elif len(leaders) == 1:
        description = (f"Of {_count(total)} recommendation{_s(total)}, {_count(most)} came from "
                       f"{_group_phrase(leaders[0])}, more than from any other.")
    else:
        description = (f"Of {_count(total)} recommendation{_s(total)}, the most ({_count(most)} each) came from "
                       + _and([_group_phrase(label) for label in leaders]) + ".")
    if shared:
        description += (f" {_count(shared)} {'was' if shared == 1 else 'were'} made jointly by states of "
                        "several groups and count in each.")
    return bar_chart(chart_id, "Recommendations by regional group of the recommending state",
                     description, COUNT_SERIES, rows, row_header="Regional group",
                     caption="Recommendations by regional group of the recommending state")


def recommendations_by_action_level(report: Report, chart_id: str = "chart-action-levels") -> Chart:
    """A review's recommendations by the action they ask for, from 1 (minimal) to 5 (specific)."""
    counts = Counter(rec.action_level for rec in report.recommendations)
    rows = [Row(f"{level} {name}", (counts[level],)) for level, name in ACTION_LEVELS.items()]
    classified = sum(row.total for row in rows)
    if counts[None] and classified:
        rows.append(Row(NOT_CLASSIFIED, (counts[None],)))
    if not classified:  # no levels yet: nothing worth drawing
        return _empty(chart_id, "Recommendations by action level",
                      "No recommendation here has an action level yet.", COUNT_SERIES, "Action level")
    most = max(row.total for row in rows[:5])
    leaders = [f"{name.lower()} (level {level})" for (level, name), row in zip(ACTION_LEVELS.items(), rows, strict=False)
               if row.total == most]
    description = (f"Of {_count(classified)} recommendation{_s(classified)} with an action level, "
                   + (f"{_count(most)} ask for {leaders[0]}, more than for any other level." if len(leaders) == 1 else
                      f"the most ({_count(most)} each) ask for {_and(leaders)}."))
    if counts[None]:
        description += f" {_count(counts[None])} could not be classified."
    return bar_chart(chart_id, "Recommendations by action level, from 1 (minimal) to 5 (specific)",
                     description, COUNT_SERIES, rows, row_header="Action level")


def theme_by_cycle(theme: Theme, made: Iterable[Made], by_position: bool = True,
                   chart_id: str = "chart-theme") -> Chart:
    """Recommendations on one theme in each UPR cycle (1 to 4 always shown, so a gap reads as
    none), as columns, optionally split by position. `made`: the recommendations on the theme
    (others are left out), each with its report."""
    counts: dict[int, Counter] = {cycle: Counter() for cycle in (1, 2, 3, 4)}
    for one in made:
        cycle = one.report.review.cycle
        if cycle is not None and theme.slug in one.recommendation.themes:
            counts.setdefault(cycle, Counter())[one.recommendation.position] += 1
    cycles = sorted(counts)
    if by_position:
        series, rows = _drop_empty_series(POSITION_SERIES, [
            Row(f"Cycle {cycle}", tuple(counts[cycle][p] for p in POSITIONS)) for cycle in cycles])
    else:
        series, rows = COUNT_SERIES, [Row(f"Cycle {cycle}", (sum(counts[cycle].values()),)) for cycle in cycles]
    total = sum(row.total for row in rows)
    title = f"Recommendations on {theme.name}, by UPR cycle"
    if not total:
        return _empty(chart_id, title, f"No recommendation is classified under {theme.name} yet.",
                      series, "Cycle")
    per_cycle = ", ".join(f"{_count(row.total)} in {row.label.lower()}" for row in rows)
    description = f"{_count(total)} recommendation{_s(total)} on {theme.name}: {per_cycle}."
    if by_position:
        description += f" Of all of them, {_position_phrase(_series_totals(series, rows))}."
    return column_chart(chart_id, title, description, series, rows, row_header="Cycle")


# --- the two shapes ---------------------------------------------------------------------------


def bar_chart(chart_id: str, title: str, description: str, series: Sequence[Series], rows: Sequence[Row],
              row_header: str, caption: str | None = None) -> Chart:
    """Horizontal bars, one per row, stacked when there is more than one series."""
    return _chart(_draw_bars, chart_id, title, description, series, rows, row_header, caption)


def column_chart(chart_id: str, title: str, description: str, series: Sequence[Series], rows: Sequence[Row],
                 row_header: str, caption: str | None = None) -> Chart:
    """Vertical columns, one per row in order (for time), stacked when there is more than one series."""
    return _chart(_draw_columns, chart_id, title, description, series, rows, row_header, caption)


def _chart(draw, chart_id, title, description, series, rows, row_header, caption) -> Chart:
    series, rows = tuple(series), tuple(rows)
    if not _KEY.match(chart_id) or not all(_KEY.match(s.key) for s in series):
        raise ValueError(f"chart ids and series keys must be lower-case words and hyphens: {chart_id!r}")
    if any(len(row.values) != len(series) for row in rows):
        raise ValueError(f"{chart_id}: every row needs one value per series")
    if any(value < 0 for row in rows for value in row.values):
        raise ValueError(f"{chart_id}: a count cannot be negative")
    table = _table(caption or title, series, rows, row_header)
    if not any(row.total for row in rows):
        return Chart(chart_id, title, description, "", table)
    parts, height = draw(chart_id, series, rows)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {WIDTH} {_n(height)}" '
           f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
           f'<title id="{chart_id}-title">{_esc(title)}</title><desc id="{chart_id}-desc">{_esc(description)}</desc>'
           + "".join(parts) + "</svg>")
    return Chart(chart_id, title, description, svg, table)


def _empty(chart_id, title, sentence, series, row_header) -> Chart:
    return Chart(chart_id, title, sentence, "", Table(title, (row_header, *(s.label for s in series)), ()))


def _table(caption: str, series: tuple[Series, ...], rows: tuple[Row, ...], row_header: str) -> Table:
    stacked = len(series) > 1
    headers = (row_header, *(s.label for s in series), *(("Total",) if stacked else ()))
    body = tuple((row.label, *row.values, *((row.total,) if stacked else ())) for row in rows)
    return Table(caption, headers, body)


def _draw_bars(chart_id: str, series: tuple[Series, ...], rows: tuple[Row, ...]) -> tuple[list[str], float]:
    parts: list[str] = []
    y = 0.0
    if len(series) > 1:
        y = _legend(parts, series, y)
    largest = max(row.total for row in rows)
    # Room after the longest bar for its total, so the number never leaves the drawing.
    room = _text_width(_count(largest), LABEL_SIZE) + 8
    scale = (WIDTH - room) / largest
    for row in rows:
        for line in _wrap(row.label, WIDTH, LABEL_SIZE):
            y += LABEL_SIZE + 3
            parts.append(f'<text class="chart-label" x="0" y="{_n(y)}">{_esc(line)}</text>')
        top = y + 6
        middle = top + BAR_HEIGHT / 2 + LABEL_SIZE * 0.35  # a baseline that centres the digits
        done = 0
        for item, value in zip(series, row.values, strict=True):
            if not value:
                continue
            x0, x1 = done * scale, (done + value) * scale  # from running totals: no gaps, no overlaps
            done += value
            parts.append(f'<rect class="{_fill_class(item, series)}" x="{_n(x0)}" y="{_n(top)}" '
                         f'width="{_n(x1 - x0)}" height="{BAR_HEIGHT}"/>')
            if len(series) > 1:
                text = _fitting_label(value, item, x1 - x0)
                if text:
                    parts.append(f'<text class="chart-value chart-on-{item.key}" x="{_n((x0 + x1) / 2)}" '
                                 f'y="{_n(middle)}" text-anchor="middle">{_esc(text)}</text>')
        parts.append(f'<text class="chart-value chart-total" x="{_n(done * scale + 6)}" y="{_n(middle)}">'
                     f'{_count(row.total)}</text>')
        y = top + BAR_HEIGHT + 10
    return parts, y


def _draw_columns(chart_id: str, series: tuple[Series, ...], rows: tuple[Row, ...]) -> tuple[list[str], float]:
    parts: list[str] = []
    y = 0.0
    if len(series) > 1:
        y = _legend(parts, series, y)
    slot = WIDTH / len(rows)
    width = min(72.0, slot * 0.7)
    base = y + LABEL_SIZE + 8 + COLUMN_AREA  # room above the tallest column for its total
    scale = COLUMN_AREA / max(row.total for row in rows)
    label_bottom = base
    for index, row in enumerate(rows):
        centre = slot * index + slot / 2
        x = centre - width / 2
        done = 0
        for item, value in zip(series, row.values, strict=True):
            if not value:
                continue
            y0, y1 = base - (done + value) * scale, base - done * scale
            done += value
            parts.append(f'<rect class="{_fill_class(item, series)}" x="{_n(x)}" y="{_n(y0)}" '
                         f'width="{_n(width)}" height="{_n(y1 - y0)}"/>')
            if len(series) > 1 and y1 - y0 >= LABEL_SIZE + 4 and _text_width(_count(value), LABEL_SIZE) + 6 <= width:
                parts.append(f'<text class="chart-value chart-on-{item.key}" x="{_n(centre)}" '
                             f'y="{_n((y0 + y1) / 2 + LABEL_SIZE * 0.35)}" text-anchor="middle">{_count(value)}</text>')
        parts.append(f'<text class="chart-value chart-total" x="{_n(centre)}" y="{_n(base - done * scale - 6)}" '
                     f'text-anchor="middle">{_count(row.total)}</text>')
        line_y = base + 4
        for line in _wrap(row.label, slot - 4, LABEL_SIZE):
            line_y += LABEL_SIZE + 3
            parts.append(f'<text class="chart-label" x="{_n(centre)}" y="{_n(line_y)}" text-anchor="middle">'
                         f'{_esc(line)}</text>')
        label_bottom = max(label_bottom, line_y)
    parts.append(f'<line class="chart-axis" x1="0" x2="{WIDTH}" y1="{_n(base)}" y2="{_n(base)}"/>')
    return parts, label_bottom + 6


def _legend(parts: list[str], series: tuple[Series, ...], y: float) -> float:
    """Swatches and names in one or more lines, left to right in the order the segments stack."""
    swatch, gap = 14, 16
    x, line_top = 0.0, y + 2
    for item in series:
        width = swatch + 6 + _text_width(item.label, SMALL_SIZE)
        if x and x + width > WIDTH:
            x, line_top = 0.0, line_top + SMALL_SIZE + 10
        parts.append(f'<rect class="chart-fill-{item.key}" x="{_n(x)}" y="{_n(line_top)}" width="{swatch}" height="{swatch}"/>')
        parts.append(f'<text class="chart-legend" x="{_n(x + swatch + 6)}" y="{_n(line_top + swatch - 2)}">'
                     f'{_esc(item.label)}</text>')
        x += width + gap
    return line_top + swatch + 10


def _fill_class(item: Series, series: tuple[Series, ...]) -> str:
    return f"chart-fill-{item.key}" if len(series) > 1 else "chart-bar"


def _fitting_label(value: int, item: Series, width: float) -> str:
    """The segment's number with its name when both fit inside it, the number alone when only it
    does, else nothing (the table under the chart has every number)."""
    for text in (f"{_count(value)} {item.label.lower()}", _count(value)):
        if _text_width(text, LABEL_SIZE) + 8 <= width:
            return text
    return ""


# --- text -------------------------------------------------------------------------------------

_NARROW = set("ijlt.,;:'!|()[] ")
_WIDE = set("mwMW@%")


def _text_width(text: str, size: float) -> float:
    """An over-estimate of the width of `text` in a system sans-serif: never too small, so a label
    that is said to fit does fit."""
    ems = 0.0
    for ch in text:
        if ch in _NARROW:
            ems += 0.34
        elif ch in _WIDE:
            ems += 0.92
        elif ch.isupper():
            ems += 0.72
        elif ch.isdigit():  # bold digits (the totals) are 0.7 em in DejaVu Sans, the widest fallback
            ems += 0.7
        else:
            ems += 0.6
    return ems * size


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy word wrap by estimated width; a word too long for a line is cut into pieces."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while _text_width(word, size) > width:  # a long word on its own lines
            cut = max(1, int(width / (0.92 * size)))
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and _text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line or not lines:
        lines.append(line)
    return lines


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _n(number: float) -> str:
    """A coordinate with at most one decimal, printed one way: 12, 12.5, never 12.0 or -0."""
    text = f"{round(number, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _count(number: int) -> str:
    return f"{number:,}"


def _s(number: int) -> str:
    return "" if number == 1 else "s"


def _drop_empty_series(series: tuple[Series, ...], rows: list[Row]) -> tuple[tuple[Series, ...], list[Row]]:
    """Positions that no row has (often pending and unknown) leave the legend and the table; supported
    and noted always stay, so a reader sees a zero rather than a missing column."""
    keep = [i for i, item in enumerate(series)
            if item.key in (SUPPORTED, NOTED) or any(row.values[i] for row in rows)]
    return (tuple(series[i] for i in keep),
            [Row(row.label, tuple(row.values[i] for i in keep)) for row in rows])


def _series_totals(series: tuple[Series, ...], rows: list[Row]) -> dict[str, int]:
    return {item.key: sum(row.values[i] for row in rows) for i, item in enumerate(series)}


def _position_phrase(totals: Mapping[str, int]) -> str:
    """{supported: 143, noted: 51} → "143 supported and 51 noted"."""
    return _and([f"{_count(number)} {POSITION_WORDS[position]}" for position, number in totals.items() if number])


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _group_phrase(label: str) -> str:
    if label in GROUPS:
        return f"the {label} group"
    return "states outside the five regional groups" if label == OTHER_GROUP else "no named state"
