"""Step Together route analysis: crime within a buffer of each route, before and after it started, and a
difference-in-differences estimate against comparison routes.

The estimate is the interaction coefficient of an ordinary least squares fit of monthly counts on route
(treated or comparison), period (before or after the start) and their product (Angrist & Pischke 2009,
*Mostly Harmless Econometrics*, ch. 5), with its classical standard error and 95% confidence interval, computed
by the platform's impact evaluation package (``monitoring.impact``).
It assumes comparison routes would have followed the same trend (parallel trends); with few routes and
small monthly counts the interval is wide, and the page says so.
"""

import json
from dataclasses import replace
from datetime import date

import shapely
from django.db import transaction

from core import audit
from core.audit import Actor
from core.periods import months_between
from insights.query.figures import FigureQuery
from monitoring.impact.did import difference_in_differences as did
from places.models import Route, School
from places.services.nearby import events_near_geometry

DEFAULT_BUFFER_M = 250.0


def line_of(route: Route) -> shapely.LineString:
    geometry = shapely.from_geojson(route.line_geojson)
    if geometry.geom_type != "LineString":
        raise ValueError("a route is a GeoJSON LineString")
    return geometry


def validate_line(text: str) -> str:
    """A GeoJSON LineString (bare or as a Feature) in the UK, normalised; raises ValueError with the reason."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = data.get("geometry") or {}
    if not isinstance(data, dict) or data.get("type") != "LineString":
        raise ValueError("draw a line, or give a GeoJSON LineString")
    points = data.get("coordinates") or []
    if len(points) < 2 or not all(isinstance(p, list) and len(p) >= 2 for p in points):
        raise ValueError("a route needs at least two points")
    for lon, lat, *_ in points:
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lon, lat)):
            raise ValueError("every point needs a numeric longitude and latitude")
        if not (-8.7 <= float(lon) <= 2.0 and 49.0 <= float(lat) <= 61.0):
            raise ValueError("the line is not in the UK (coordinates are longitude, latitude)")
    return json.dumps({"type": "LineString", "coordinates": [[round(float(p[0]), 6), round(float(p[1]), 6)]
                                                             for p in points]})


def route_panel(routes: list[Route], month_from: str, month_to: str, buffer_m: float = DEFAULT_BUFFER_M,
                types: tuple[str, ...] = ()) -> list[dict]:
    """One row per route and month: treated (a chaperoned route) or comparison, after its start or not, count."""
    query = FigureQuery("police", month_from, month_to, types=types)
    months = months_between(month_from, month_to)
    panel = []
    for route in routes:
        counts = dict.fromkeys(months, 0)
        for event in events_near_geometry(replace(query), line_of(route), buffer_m):
            month = event["month"].strftime("%Y-%m") if isinstance(event["month"], date) else str(event["month"])[:7]
            if month in counts:
                counts[month] += 1
        start = route.start_date.strftime("%Y-%m")
        panel += [{"route": route.name, "route_id": route.pk, "treated": int(not route.is_comparison),
                   "post": int(month >= start), "month": month, "count": n} for month, n in counts.items()]
    return panel


def before_after(panel: list[dict]) -> list[dict]:
    """Per route: months and mean monthly count before and after its start."""
    rows = {}
    for r in panel:
        entry = rows.setdefault(r["route"], {"route": r["route"], "treated": r["treated"], "months_before": 0,
                                             "count_before": 0, "months_after": 0, "count_after": 0})
        side = "after" if r["post"] else "before"
        entry[f"months_{side}"] += 1
        entry[f"count_{side}"] += r["count"]
    for entry in rows.values():
        for side in ("before", "after"):
            months = entry[f"months_{side}"]
            entry[f"mean_{side}"] = round(entry[f"count_{side}"] / months, 3) if months else None
    return list(rows.values())


def difference_in_differences(panel: list[dict]) -> dict:
    """The DiD estimate (change in monthly count on chaperoned routes beyond the comparison routes' change),
    its standard error, 95% confidence interval and the observations used (``monitoring.impact.did``, with
    classical errors: a route's months are few and its buffer small)."""
    if len({r["treated"] for r in panel}) < 2 or len({r["post"] for r in panel}) < 2:
        raise ValueError("a difference-in-differences estimate needs chaperoned and comparison routes, with months "
                         "before and after the start")
    result = did([r["count"] for r in panel], [r["treated"] for r in panel], [r["post"] for r in panel])
    return {"estimate": result.estimate, "standard_error": result.standard_error, "ci_low": result.ci_low,
            "ci_high": result.ci_high, "observations": result.observations,
            "degrees_of_freedom": result.degrees_of_freedom}


@transaction.atomic
def record_route(actor: Actor, route: Route, school_urn: str | None = None) -> Route:
    """Save a new route (validated by the route form), linked to the school with URN ``school_urn`` if known."""
    route.school = School.objects.filter(urn=school_urn).first() if school_urn else None
    route.save()
    audit.record(actor, "create", route)
    return route
