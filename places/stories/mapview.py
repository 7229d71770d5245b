"""What a chapter's map shows: the layer's address (an insights endpoint and its query string), the extent
the map fits to, and the same view described in words for readers without the map.

The layer addresses are the insights pages' own: ``/insights/maps/<level>.geojson`` for rates and
``/insights/hotspots.geojson`` for hot spots, with the overview's query string (``source``, ``from``, ``to``,
``area``, ``type``), so a story's map, the insights map and their downloads always agree.
"""

import json
from calendar import month_name
from collections.abc import Iterable
from urllib.parse import urlencode

from django.urls import reverse

from core.region import current_region
from geography.models import Area, Boundary
from places.models import Route
from places.stories.models import Chapter

BoundingBox = tuple[float, float, float, float]


def figure_filters(chapter: Chapter) -> dict[str, str]:
    """The chapter's filters as the insights pages' query parameters (blanks left out: the pages' defaults)."""
    pairs = (("source", chapter.source), ("from", chapter.month_from), ("to", chapter.month_to),
             ("area", chapter.filter_area), ("type", chapter.crime_type))
    return {name: value for name, value in pairs if value}


def layer_path(chapter: Chapter) -> str | None:
    """The insights endpoint of the chapter's layer (no query string); None when it shows no figures."""
    if chapter.layer == Chapter.Layer.RATES:
        return reverse("insights:map", args=[chapter.level])
    if chapter.layer == Chapter.Layer.HOTSPOTS:
        return reverse("insights:hotspots-data", args=["geojson"])
    return None


def layer_url(chapter: Chapter) -> str | None:
    path = layer_path(chapter)
    return f"{path}?{urlencode(figure_filters(chapter))}" if path else None


def figures_page_url(chapter: Chapter) -> str:
    """The insights page with the same figures as tables and downloads."""
    name = "insights:hotspots" if chapter.layer == Chapter.Layer.HOTSPOTS else "insights:overview"
    return f"{reverse(name)}?{urlencode(figure_filters(chapter))}"


def _union(boxes: Iterable[BoundingBox]) -> BoundingBox | None:
    boxes = list(boxes)
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def area_boxes(codes: Iterable[str]) -> dict[str, BoundingBox]:
    """Area code → its boundary's bounding box, for the codes with a boundary loaded."""
    rows = Boundary.objects.filter(area_code__in=list(codes)).values_list("area_code", "min_lon", "min_lat",
                                                                           "max_lon", "max_lat")
    return {code: (w, s, e, n) for code, w, s, e, n in rows}


def route_box(route: Route) -> BoundingBox:
    coordinates = json.loads(route.line_geojson)["coordinates"]
    longitudes, latitudes = [c[0] for c in coordinates], [c[1] for c in coordinates]
    return (min(longitudes), min(latitudes), max(longitudes), max(latitudes))


def extent(chapter: Chapter, routes: list[Route] | None = None) -> BoundingBox | None:
    """The box the map fits to: the chapter's own box, else its extent area, else its highlighted areas and
    routes together, else its filter area, else the region's local authorities; None when no boundary of any
    of these is loaded."""
    if chapter.bounding_box:
        return chapter.bounding_box
    routes = list(chapter.routes.all()) if routes is None else routes
    for codes, with_routes in (([chapter.extent_area], False), (chapter.highlight_codes, True),
                               ([chapter.filter_area], False), (current_region().lad_codes, False)):
        boxes = list(area_boxes([c for c in codes if c]).values())
        if with_routes:
            boxes += [route_box(r) for r in routes]
        if boxes:
            return _union(boxes)
    return None


def area_labels(codes: Iterable[str]) -> dict[str, str]:
    """Code → "Name (code)", or the code alone where no name is loaded."""
    codes = [c for c in codes if c]
    names = dict(Area.objects.filter(code__in=codes).exclude(name="").values_list("code", "name"))
    return {code: f"{names[code]} ({code})" if code in names else code for code in codes}


def month_words(month: str) -> str:
    """``"2024-03"`` → ``"March 2024"``."""
    return f"{month_name[int(month[5:])]} {month[:4]}"


def describe(chapter: Chapter, routes: list[Route] | None = None) -> str:
    """The chapter's map view in one or two sentences, for readers without the map (and the map's label)."""
    routes = list(chapter.routes.all()) if routes is None else routes
    labels = area_labels([chapter.filter_area, chapter.extent_area, *chapter.highlight_codes])
    parts = []
    if chapter.layer != Chapter.Layer.NONE:
        what = ("rate per 1,000 residents by " + ("local authority" if chapter.level == "lad" else "LSOA")
                if chapter.layer == Chapter.Layer.RATES else "hot spots and cold spots of the rate by LSOA (Gi*)")
        source = "emergency department assault attendances" if chapter.source == "ed" else "police recorded crime"
        kind = f" ({chapter.crime_type})" if chapter.crime_type else ""
        period = (f"{month_words(chapter.month_from)} to {month_words(chapter.month_to)}"
                  if chapter.month_from and chapter.month_to else "the latest period published")
        where = f" in {labels[chapter.filter_area]}" if chapter.filter_area else " across the region"
        parts.append(f"The map shows the {what}: {source}{kind}, {period}{where}.")
    else:
        parts.append("The map shows no figures.")
    if chapter.bounding_box:
        west, south, east, north = chapter.bounding_box
        parts.append(f"It is centred on {(south + north) / 2:.3f}° N, {abs(west + east) / 2:.3f}° "
                     f"{'W' if west + east < 0 else 'E'}.")
    elif chapter.extent_area:
        parts.append(f"It is fitted to {labels[chapter.extent_area]}.")
    if chapter.highlight_codes:
        parts.append("Outlined: " + "; ".join(labels[c] for c in chapter.highlight_codes) + ".")
    if routes:
        parts.append("Routes drawn: " + "; ".join(r.name for r in routes) + ".")
    return " ".join(parts)


def lsoas_crossed(route: Route) -> list[str]:
    """The LSOAs (with boundaries loaded) a route's line passes through, in code order."""
    import shapely

    line = shapely.from_geojson(route.line_geojson)
    west, south, east, north = route_box(route)
    candidates = Boundary.objects.filter(level="lsoa", min_lon__lte=east, max_lon__gte=west, min_lat__lte=north,
                                         max_lat__gte=south).values_list("area_code", "geometry_wkb")
    return sorted(code for code, wkb in candidates if shapely.from_wkb(bytes(wkb)).intersects(line))
