"""Charts drawn on the server as SVG: the same markup in the page and in the PDF, no JavaScript.

Each chart is a ``<figure>``-ready ``<svg role="img">`` with a title and description for screen readers; the
page always shows the data table beside it (WCAG 1.1.1), and None values are gaps, not zeros.
"""

import itertools
import zlib
from html import escape

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 40, 16, 48
COLOURS = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92"]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


_serial = itertools.count(1)


def _frame(title: str, description: str, body: list[str]) -> str:
    # A serial number keeps ids unique when a page or report shows two charts with the same title.
    ident = f"chart-{zlib.crc32(title.encode()):08x}-{next(_serial)}"
    return (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-t {ident}-d" '
            f'xmlns="http://www.w3.org/2000/svg" class="chart" font-family="system-ui, sans-serif" font-size="12">'
            f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
            + "".join(body) + "</svg>")


def _y_axis(top: float) -> list[str]:
    parts = []
    for i in range(5):
        value = top * i / 4
        y = HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" '
                     f'stroke-width="{1 if i == 0 else 0.5}"/>'
                     f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">{value:,.0f}</text>')
    return parts


def line_chart(labels: list[str], series: dict[str, list[float | None]], title: str, description: str) -> str:
    """Lines over categories (e.g. months); one polyline per series, broken where a value is None."""
    values = [v for vs in series.values() for v in vs if v is not None]
    top = _nice_max(max(values) if values else 0)
    n = max(len(labels), 1)
    step = (WIDTH - LEFT - RIGHT) / max(n - 1, 1)
    body = _y_axis(top)

    def point(i: int, v: float) -> str:
        return f"{LEFT + i * step:.1f},{HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * v / top:.1f}"

    for colour, (name, vs) in zip(COLOURS, series.items(), strict=False):
        runs, current = [], []
        for i, v in enumerate(vs):
            if v is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append(point(i, v))
        if current:
            runs.append(current)
        for run in runs:
            body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{" ".join(run)}">'
                        f"<title>{escape(name)}</title></polyline>")
    every = max(1, n // 12)
    for i, label in enumerate(labels):
        if i % every == 0:
            body.append(f'<text x="{LEFT + i * step:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" '
                        f'fill="#0b0c0c">{escape(label)}</text>')
    for k, name in enumerate(series):
        x = LEFT + k * 220
        body.append(f'<rect x="{x}" y="{HEIGHT - 16}" width="14" height="4" fill="{COLOURS[k % 4]}"/>'
                    f'<text x="{x + 20}" y="{HEIGHT - 10}" fill="#0b0c0c">{escape(name)}</text>')
    return _frame(title, description, body)


def bar_chart(labels: list[str], values: list[float | None], title: str, description: str) -> str:
    """Horizontal bars, one per label; a None value is drawn as "withheld"."""
    known = [v for v in values if v is not None]
    top = _nice_max(max(known) if known else 0)
    height = TOP + 26 * len(labels) + 24
    label_width = 220
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = TOP + i * 26
        body.append(_label(label_width - 8, y + 15, label))
        if value is None:
            body.append(f'<text x="{label_width + 4}" y="{y + 15}" fill="#505a5f">withheld</text>')
            continue
        width = (WIDTH - label_width - RIGHT - 60) * value / top
        body.append(f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="18" fill="{COLOURS[0]}"/>'
                    f'<text x="{label_width + width + 4:.1f}" y="{y + 16}" fill="#0b0c0c">{value:,.0f}</text>')
    svg = _frame(title, description, body)
    return svg.replace(f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {height}"', 1)


def _label_lines(label: str, most: int = 30) -> list[str]:
    """A label broken at spaces into at most two lines of ``most`` characters (about 30 at 12 px fill the label
    column), so a long name ("Violence against women and girls") is printed whole; only a name longer than two
    lines is cut, with an ellipsis (the full name is in the data table beside the chart)."""
    if len(label) <= most:
        return [label]
    cut = label.rfind(" ", 0, most + 1)
    first, rest = (label[:cut], label[cut + 1:]) if cut > 0 else (label[:most], label[most:])
    if len(rest) > most:
        rest = rest[:most - 1].rstrip() + "…"
    return [first, rest]


def _label(x: float, y: float, label: str, most: int = 30) -> str:
    """A right-aligned label centred on a bar whose text baseline would be ``y``: one line, or two lines
    around it."""
    lines = _label_lines(label, most)
    if len(lines) == 1:
        return f'<text x="{x}" y="{y}" text-anchor="end" fill="#0b0c0c">{escape(label)}</text>'
    return (f'<text x="{x}" y="{y - 6}" text-anchor="end" fill="#0b0c0c" font-size="11">'
            f'<tspan x="{x}">{escape(lines[0])}</tspan><tspan x="{x}" dy="12">{escape(lines[1])}</tspan></text>')


def paired_bar_chart(labels: list[str], left: list[float | None], right: list[float | None],
                     left_title: str, right_title: str, title: str, description: str,
                     left_format: str = "{:,.0f}", right_format: str = "{:,.1f}") -> str:
    """Two measures per label side by side, each on its own scale (e.g. money awarded and a violence rate):
    two panels of horizontal bars sharing the label column. A None value is drawn as "withheld"."""
    label_width, gap = 200, 30
    panel = (WIDTH - label_width - RIGHT - gap) / 2
    height = TOP + 24 + 26 * len(labels) + 24
    body = []
    for offset, values, heading, fmt, colour in ((label_width, left, left_title, left_format, COLOURS[0]),
                                                 (label_width + panel + gap, right, right_title, right_format,
                                                  COLOURS[1])):
        known = [v for v in values if v is not None]
        top = _nice_max(max(known) if known else 0)
        body.append(f'<text x="{offset:.1f}" y="{TOP + 12}" font-weight="bold" fill="#0b0c0c">{escape(heading)}</text>')
        for i, value in enumerate(values):
            y = TOP + 24 + i * 26
            if value is None:
                body.append(f'<text x="{offset + 4:.1f}" y="{y + 15}" fill="#505a5f">withheld</text>')
                continue
            width = (panel - 70) * value / top
            body.append(f'<rect x="{offset:.1f}" y="{y + 3}" width="{width:.1f}" height="18" fill="{colour}"/>'
                        f'<text x="{offset + width + 4:.1f}" y="{y + 16}" fill="#0b0c0c">'
                        f"{escape(fmt.format(value))}</text>")
    for i, label in enumerate(labels):
        y = TOP + 24 + i * 26
        body.append(_label(label_width - 8, y + 15, label, 28))
    svg = _frame(title, description, body)
    return svg.replace(f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {height}"', 1)


def heatmap(rows: list[str], columns: list[str], cells: dict[tuple[str, str], float | None], title: str,
            description: str) -> str:
    """A grid shaded by value (darker = more); withheld cells hatched grey."""
    known = [v for v in cells.values() if v is not None]
    top = max(known) if known else 1
    cell_w = (WIDTH - 100) / max(len(columns), 1)
    height = TOP + 22 * len(rows) + 30
    body = []
    for i, row in enumerate(rows):
        y = TOP + i * 22
        body.append(f'<text x="94" y="{y + 15}" text-anchor="end" fill="#0b0c0c">{escape(row)}</text>')
        for j, column in enumerate(columns):
            value = cells.get((row, column))
            if value is None:
                fill = "#dddddd"
            else:
                shade = int(245 - 200 * value / top)
                fill = f"rgb({shade},{shade},255)" if value else "#ffffff"
            body.append(f'<rect x="{100 + j * cell_w:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="20" '
                        f'fill="{fill}"><title>{escape(row)} {escape(column)}: '
                        f'{"withheld" if value is None else f"{value:,.0f}"}</title></rect>')
    for j, column in enumerate(columns):
        if j % 3 == 0:
            body.append(f'<text x="{100 + (j + 0.5) * cell_w:.1f}" y="{height - 10}" text-anchor="middle" '
                        f'fill="#0b0c0c">{escape(column)}</text>')
    svg = _frame(title, description, body)
    return svg.replace(f'viewBox="0 0 {WIDTH} {HEIGHT}"', f'viewBox="0 0 {WIDTH} {height}"', 1)


def figure_chart(name: str, rows: list[dict]) -> str:
    """The chart of one of the overview's figures (by its registry name) from its rows; "" if none. Values
    that cannot be given (withheld, no data) are gaps."""
    from core.figures import get, number

    if not rows:
        return ""
    figure = get(name)
    if name == "trend":
        return line_chart([r["month"] for r in rows],
                          {"Count per month": [number(r["count"]) for r in rows],
                           "Rolling 12 months ÷ 12": [None if number(r["rolling_12_months"]) is None
                                                      else r["rolling_12_months"] / 12 for r in rows]},
                          "Monthly trend", "Count per month with the rolling 12-month average.")
    if name in ("types", "local_authorities", "places"):
        label = {"types": "type", "local_authorities": "name", "places": "name"}[name]
        return bar_chart([str(r[label] or r.get("lad") or r.get("lsoa")) for r in rows],
                         [number(r["count"]) for r in rows], figure.title, figure.description)
    if name == "seasonality":
        return bar_chart([r["name"] for r in rows], [number(r["average"]) for r in rows], "Seasonality",
                         "Average count per calendar month.")
    if name == "day_and_hour":
        days = list(dict.fromkeys(r["day"] for r in rows))
        return heatmap(days, [f"{h:02d}" for h in range(24)],
                       {(r["day"], f"{r['hour']:02d}"): number(r["count"]) for r in rows},
                       "Day of week and hour", "ED assault attendances by day of week and hour.")
    return ""
