"""A chapter's map view as inline SVG, for the exported file: the layer's areas in its extent, filled by class,
the region's local authorities outlined for context, highlighted areas outlined thickly, routes as lines.

The projection is the one ``geography.svgmap`` uses (equirectangular, longitude scaled by the cosine of
the mean latitude: under 1% distortion across a police force area). Rates fall in quantile classes with
repeated breaks dropped, so no class reads "120.6 to 120.6"; the story page's script uses the same rule.
"""

import json
import math
from html import escape

from geography.svgmap import COLOURS, WITHHELD, quantile_breaks, rings

HOTSPOT_COLOURS = {"hot spot": "#d4351c", "cold spot": "#1d70b8", "not significant": "#f3f2f1"}
HIGHLIGHT_COLOUR, ROUTE_COLOUR, OUTLINE_COLOUR = "#0b0c0c", "#d53880", "#505a5f"

BoundingBox = tuple[float, float, float, float]


def _box_of(geometry: dict) -> BoundingBox:
    points = ([p for ring in rings(geometry) for p in ring] if geometry["type"] != "LineString"
              else geometry["coordinates"])
    return (min(p[0] for p in points), min(p[1] for p in points), max(p[0] for p in points),
            max(p[1] for p in points))


def _overlaps(a: BoundingBox, b: BoundingBox) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def in_extent(geometry: dict, extent: BoundingBox) -> bool:
    """Whether a geometry's bounding box meets the extent (the areas a chapter's table lists)."""
    points = rings(geometry) if geometry["type"] != "LineString" else [geometry["coordinates"]]
    return bool(points and points[0]) and _overlaps(_box_of(geometry), extent)


class Projection:
    """Longitude and latitude to SVG coordinates for a map ``width`` wide showing ``extent`` (padded 3%)."""

    def __init__(self, extent: BoundingBox, width: int = 640) -> None:
        west, south, east, north = extent
        pad_x, pad_y = (east - west) * 0.03 or 0.005, (north - south) * 0.03 or 0.005
        self.west, self.north = west - pad_x, north + pad_y
        self.scale_x = math.cos(math.radians((south + north) / 2))
        span_x, span_y = (east - west + 2 * pad_x) * self.scale_x, north - south + 2 * pad_y
        self.unit = width / span_x
        self.width, self.height = width, max(int(span_y * self.unit), 1)
        self.extent = (self.west, south - pad_y, east + pad_x, self.north)

    def point(self, p: list[float]) -> str:
        return f"{(p[0] - self.west) * self.scale_x * self.unit:.1f},{(self.north - p[1]) * self.unit:.1f}"

    def path(self, geometry: dict) -> str:
        if geometry["type"] == "LineString":
            return "M" + " L".join(self.point(p) for p in geometry["coordinates"])
        return " ".join("M" + " L".join(self.point(p) for p in ring) + " Z" for ring in rings(geometry))


def _legend(entries: list[tuple[str, str, str]], top: int) -> str:
    """Legend rows under the map: (kind, colour, text) with kind "fill", "outline" or "line"."""
    parts = []
    for i, (kind, colour, text) in enumerate(entries):
        x, y = 10 + (i % 3) * 210, top + 8 + (i // 3) * 20
        if kind == "line":
            parts.append(f'<line x1="{x}" y1="{y + 5}" x2="{x + 16}" y2="{y + 5}" stroke="{colour}" stroke-width="3"/>')
        else:
            fill = "none" if kind == "outline" else colour
            width = 2.5 if kind == "outline" else 0.6
            parts.append(f'<rect x="{x}" y="{y}" width="16" height="10" fill="{fill}" stroke="'
                         f'{colour if kind == "outline" else OUTLINE_COLOUR}" stroke-width="{width}"/>')
        parts.append(f'<text x="{x + 22}" y="{y + 9}" font-size="11">{escape(text)}</text>')
    return "".join(parts)


def chapter_svg(ident: str, title: str, description: str, extent: BoundingBox, layer: str,
                features: list[dict], outlines: dict[str, str], highlights: dict[str, str],
                routes: list[tuple[str, str]], width: int = 640) -> str:
    """One chapter's map as an SVG element (a string).

    Parameters
    ----------
    ident : a prefix for the element ids (unique in the document).
    title, description : the map's accessible name and description.
    extent : (west, south, east, north) shown.
    layer : "rates", "hotspots" or "none"; ``features`` are the layer's GeoJSON features (as the insights
        endpoint serves them, properties ``code``, ``rate_per_1000``, ``class``).
    outlines : code → GeoJSON text of context areas (the region's local authorities), thin lines.
    highlights : code → GeoJSON text of areas to outline thickly.
    routes : (name, GeoJSON LineString text) of routes to draw.
    """
    projection = Projection(extent, width)
    shown = [f for f in features if f.get("geometry") and in_extent(f["geometry"], projection.extent)]
    body, legend = [], []
    if layer == "rates":
        values = [f["properties"].get("rate_per_1000") for f in features]
        breaks = quantile_breaks([v for v in values if v is not None])
        lower = 0.0
        for i, upper in enumerate([*breaks, None]):
            legend.append(("fill", COLOURS[i], f"over {lower:.3g} per 1,000" if upper is None
                           else f"{lower:.3g} to {upper:.3g} per 1,000"))
            lower = upper if upper is not None else lower
        if any(v is None for v in values):
            legend.append(("fill", WITHHELD, "withheld"))
    elif layer == "hotspots":
        legend += [("fill", colour, name) for name, colour in HOTSPOT_COLOURS.items()]
    for feature in shown:
        properties = feature["properties"]
        if layer == "rates":
            value = properties.get("rate_per_1000")
            fill = WITHHELD if value is None else COLOURS[next((i for i, b in enumerate(breaks) if value <= b),
                                                               len(breaks))]
            label = f"{properties.get('name') or properties.get('code')}: " + (
                "withheld" if value is None else f"{value:g} per 1,000")
        else:
            fill = HOTSPOT_COLOURS.get(properties.get("class"), WITHHELD)
            label = f"{properties.get('name') or properties.get('code')}: {properties.get('class')}"
        body.append(f'<path d="{projection.path(feature["geometry"])}" fill="{fill}" stroke="{OUTLINE_COLOUR}" '
                    f'stroke-width="0.3"><title>{escape(label)}</title></path>')
    for text in outlines.values():
        geometry = json.loads(text)
        if in_extent(geometry, projection.extent):
            body.append(f'<path d="{projection.path(geometry)}" fill="none" stroke="{OUTLINE_COLOUR}" '
                        'stroke-width="1"/>')
    for label, text in highlights.items():
        body.append(f'<path d="{projection.path(json.loads(text))}" fill="none" stroke="{HIGHLIGHT_COLOUR}" '
                    f'stroke-width="2.5"><title>{escape(label)}</title></path>')
    if highlights:
        legend.append(("outline", HIGHLIGHT_COLOUR, "outlined area"))
    for name, text in routes:
        body.append(f'<path d="{projection.path(json.loads(text))}" fill="none" stroke="{ROUTE_COLOUR}" '
                    f'stroke-width="3" stroke-linecap="round"><title>{escape(name)}</title></path>')
    if routes:
        legend.append(("line", ROUTE_COLOUR, "Step Together route"))
    rows = (len(legend) + 2) // 3
    height = projection.height + 10 + rows * 20
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-labelledby="{ident}-t {ident}-d" class="map-svg"><title id="{ident}-t">{escape(title)}</title>'
            f'<desc id="{ident}-d">{escape(description)}</desc>'
            f'<svg x="0" y="0" width="{width}" height="{projection.height}" viewBox="0 0 {width} '
            f'{projection.height}" overflow="hidden"><rect width="{width}" height="{projection.height}" '
            f'fill="#ffffff"/>{"".join(body)}</svg>{_legend(legend, projection.height)}</svg>')
