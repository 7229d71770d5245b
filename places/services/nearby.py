"""Police-recorded crime near a place or along a route, from the police.uk points in the warehouse.

Distances are measured in British National Grid metres. police.uk points are snapped to the nearest of a
set of anonymised map points (usually the centre of a street or a public place), so a count "within 250 m"
is approximate at the scale of a street; the pages say so.
"""

from datetime import date

import numpy as np
import shapely

from core.problems import InputRejected, Problem
from insights.hotspots.kde import to_british_national_grid
from insights.query.figures import FigureQuery, select

#: Degrees of latitude per metre, generously, to cut the warehouse scan to a box before exact distances.
DEGREES_PER_METRE = 1 / 100_000


def events_in_box(query: FigureQuery, min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> list[dict]:
    """The query's located events inside a longitude/latitude box: month, crime type, point."""
    return select(query, "SELECT e.month AS month, e.crime_type AS crime_type, e.longitude AS longitude, "
                         "e.latitude AS latitude FROM {events} WHERE {where} AND e.longitude BETWEEN ? AND ? "
                         "AND e.latitude BETWEEN ? AND ?", [min_lon, max_lon, min_lat, max_lat])


def points_missing(query: FigureQuery) -> str:
    """Why crime within a distance cannot be counted for the query's records, or "" when it can.

    Records with an LSOA but no coordinates are counts by LSOA (``vrp ingest counts``, as in the West Midlands
    demo): they have no points, so a count within a radius would silently be zero. As KDE does
    (``insights.query.figures.event_points``), distance-based figures refuse rather than publish that zero."""
    rows = select(query, "SELECT count(*) AS n FROM {events} WHERE {where} AND e.longitude IS NULL "
                         "AND e.lsoa_code IS NOT NULL")
    n = int(rows[0]["n"]) if rows else 0
    if not n:
        return ""
    return (f"{n:,} of the police records selected are counts by LSOA (ingested with `vrp ingest counts`): count "
            "data has no points, so crime within a distance cannot be counted")


def events_near_geometry(query: FigureQuery, geometry_wgs84: shapely.Geometry, buffer_m: float,
                         check_points: bool = True) -> list[dict]:
    """Events within ``buffer_m`` metres of a point or line given in longitude/latitude. Raises
    ``InputRejected`` when the selection holds count data without points (see ``points_missing``); a caller that
    has checked once for many geometries passes ``check_points=False``."""
    if check_points and (reason := points_missing(query)):
        raise InputRejected([Problem("query", reason, column="radius")])
    min_lon, min_lat, max_lon, max_lat = geometry_wgs84.bounds
    margin = buffer_m * DEGREES_PER_METRE * 2
    found = events_in_box(query, min_lon - margin * 1.7, min_lat - margin, max_lon + margin * 1.7, max_lat + margin)
    if not found:
        return []
    area = project(geometry_wgs84).buffer(buffer_m)
    x, y = to_british_national_grid([r["longitude"] for r in found], [r["latitude"] for r in found])
    inside = shapely.contains_xy(area, np.asarray(x), np.asarray(y))
    return [r for r, keep in zip(found, inside, strict=True) if keep]


def project(geometry_wgs84: shapely.Geometry) -> shapely.Geometry:
    """A geometry from longitude/latitude to British National Grid metres."""
    return shapely.transform(geometry_wgs84, lambda xy: np.column_stack(to_british_national_grid(xy[:, 0],
                                                                                                 xy[:, 1])))


def by_lsoa(query: FigureQuery) -> dict[str, int]:
    """The query's records counted by the LSOA they are in (works for count data, which has no points)."""
    return {r["lsoa"]: int(r["n"]) for r in select(query, "SELECT e.lsoa_code AS lsoa, count(*) AS n "
                                                          "FROM {events} WHERE {where} AND e.lsoa_code IS NOT NULL "
                                                          "GROUP BY 1")}


def by_month_and_type(events: list[dict]) -> list[dict]:
    """Counts by month and crime type, in order."""
    counted: dict[tuple[str, str], int] = {}
    for r in events:
        month = r["month"].strftime("%Y-%m") if isinstance(r["month"], date) else str(r["month"])[:7]
        counted[(month, r["crime_type"])] = counted.get((month, r["crime_type"]), 0) + 1
    return [{"month": m, "crime_type": t, "count": n} for (m, t), n in sorted(counted.items())]
