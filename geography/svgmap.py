"""Choropleth maps as inline SVG, so a report is one self-contained file and its PDF has real maps.

Coordinates are projected equirectangularly with longitude scaled by cos(mean latitude): for an area the
size of a police force the distortion is well under 1%, and it needs no projection library at render time.
Five quantile classes (Jenks would move with every new month of data; quantiles read consistently).
"""

import itertools
import json
import math
from html import escape

from geography.models import Boundary

_serial = itertools.count(1)
COLOURS = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"]
WITHHELD = "#dddddd"


def rings(geometry: dict) -> list[list[list[float]]]:
    """The rings of a GeoJSON Polygon or MultiPolygon (none for any other geometry)."""
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["coordinates"] for ring in polygon]
    return []


def quantile_breaks(values: list[float], classes: int = 5) -> list[float]:
    """Upper bounds of the quantile classes but the last, strictly increasing: a repeated break is merged and a
    break at or above the largest value dropped, so every class is a distinct, non-empty range (never
    "40.9 to 40.9"; the same rule as the web map's ``vrpBreaks``). One area, or areas all alike, give none."""
    ordered = sorted(values)
    if not ordered:
        return []
    breaks: list[float] = []
    for q in range(1, classes):
        cut = ordered[min(len(ordered) - 1, math.floor(q * len(ordered) / classes))]
        if cut < ordered[-1] and (not breaks or cut > breaks[-1]):
            breaks.append(cut)
    return breaks


def _class_colours(count: int) -> list[str]:
    """``count`` colours spread over the palette, lightest to darkest."""
    if count <= 1:
        return [COLOURS[len(COLOURS) // 2]]
    return [COLOURS[round(i * (len(COLOURS) - 1) / (count - 1))] for i in range(count)]


def choropleth_svg(values: dict[str, float | None], title: str, description: str, unit: str,
                   width: int = 640) -> str:
    """An SVG map of the areas in ``values`` (code → value; None drawn as withheld), with a legend."""
    shapes = {code: json.loads(text) for code, text in
              Boundary.objects.filter(area_code__in=list(values)).values_list("area_code", "map_geojson")}
    points = [p for shape in shapes.values() for ring in rings(shape) for p in ring]
    if not points:
        return ""
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    scale_x = math.cos(math.radians((min_y + max_y) / 2))
    span = max((max_x - min_x) * scale_x, max_y - min_y) or 1
    size = width - 20
    height = int(size * (max_y - min_y) / span) + 20

    def xy(p: list[float]) -> str:
        return f"{10 + (p[0] - min_x) * scale_x / span * size:.1f},{10 + (max_y - p[1]) / span * size:.1f}"

    known = [v for v in values.values() if v is not None]
    breaks = quantile_breaks(known)
    colours = _class_colours(len(breaks) + 1)

    def colour(value: float | None) -> str:
        if value is None:
            return WITHHELD
        return colours[next((i for i, b in enumerate(breaks) if value <= b), len(breaks))]

    paths = []
    for code, shape in sorted(shapes.items()):
        d = " ".join("M" + " L".join(xy(p) for p in ring) + " Z" for ring in rings(shape))
        value = values.get(code)
        label = f"{code}: {'withheld' if value is None else f'{value:g} {unit}'}"
        paths.append(f'<path d="{d}" fill="{colour(value)}" stroke="#505a5f" stroke-width="0.4">'
                     f"<title>{escape(label)}</title></path>")
    lower, legend = 0.0, []
    for i, upper in enumerate([*breaks, None]):
        if not breaks:
            text = f"every area ({known[0]:g})" if known else "withheld"
        else:
            text = f"over {lower:g}" if upper is None else f"{lower:g} to {upper:g}"
        legend.append(f'<rect x="{10 + i * 120}" y="{height + 5}" width="14" height="10" fill="{colours[i]}" '
                      f'stroke="#505a5f"/><text x="{28 + i * 120}" y="{height + 14}" font-size="10">'
                      f"{escape(text)}</text>")
        lower = upper or lower
    ident = f"map-{next(_serial)}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 25}" role="img" '
            f'aria-labelledby="{ident}-t {ident}-d" class="chart">'
            f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">'
            f"{escape(description)}</desc>{''.join(paths)}{''.join(legend)}</svg>")
