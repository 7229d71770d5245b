"""Choropleth layers: area boundaries (simplified once at import) with the figures of the period.

The rows carry each area's stored, ready-to-serve GeoJSON geometry, which the renderer writes as it is rather
than parsing and dumping it, so a region's 1,700 LSOAs come back in milliseconds.
"""

from dataclasses import replace

from core.figures import known, undefined
from geography.models import Boundary
from insights.hotspots.query import lsoas_in
from insights.query.access import FigureAccess
from insights.query.areas import area_names
from insights.query.figures import FigureQuery

LEVELS = ("lad", "lsoa")


def choropleth_rows(query: FigureQuery, level: str, access: FigureAccess) -> list[dict]:
    """One row per local authority or LSOA of the query's area (the region's without one): code, name, count,
    rate per 1,000 residents and its boundary (``geometry``)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not (query.month_from and query.month_to):
        return []
    if level == "lsoa":
        rows = [r for r in access.counts(replace(query, area=None, lad_codes=(), no_location=False), ["lsoa"])
                if r["lsoa"]]
        codes = sorted(set(lsoas_in(query.area)))
    else:
        rows = [r for r in access.counts(replace(query, no_location=False), ["lad"]) if r["lad"]]
        codes = sorted({r["lad"] for r in rows} | set(query.lad_codes) | ({query.area} if query.area else set()))
    figures = {r[level]: r for r in rows}
    names = area_names(codes)
    result = []
    for code, geometry in Boundary.objects.filter(area_code__in=codes).order_by("area_code").values_list(
            "area_code", "map_geojson"):
        row = figures.get(code, {"count": 0, "rate_per_1000": 0.0})
        rate = row.get("rate_per_1000")
        result.append({"code": code, "name": names.get(code, ""), "count": row.get("count"),
                       "rate_per_1000": rate if known(rate) or rate is not None else undefined("no residents"),
                       "geometry": geometry})
    return result
