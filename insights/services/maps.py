"""Choropleth layers: area boundaries (simplified once at import) with the figures of the period.

The GeoJSON is assembled from the stored, ready-to-serve geometry strings rather than parsed and dumped,
so a region's 1,700 LSOAs come back in milliseconds.
"""

import json
from dataclasses import replace

from geography.models import Boundary
from insights.services import public
from insights.services.areas import area_names
from insights.services.figures import FigureQuery, counts
from insights.services.hotspots import lsoas_in

LEVELS = ("lad", "lsoa")


def choropleth(query: FigureQuery, level: str, unsuppressed: bool) -> str:
    """A GeoJSON FeatureCollection of the area's LADs or LSOAs with count and rate per 1,000 residents.

    Public layers carry disclosure-controlled counts and rates; ED data is not mapped below local authority
    level for the public (raises public.NotPublic).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    if not unsuppressed and not public.is_public_period(query):
        raise public.NotPublic(public.PERIOD_RULE)
    if level == "lsoa" and query.source == "ed" and not unsuppressed:
        raise public.NotPublic("Emergency department figures are published for local authorities and the region only.")
    rows = [r for r in counts(replace(query, area=None) if level == "lsoa" else query, [level]) if r[level]]
    if level == "lsoa":
        wanted = set(lsoas_in(query.area))
        rows = [r for r in rows if r["lsoa"] in wanted]
        codes = sorted(wanted)
    else:
        codes = sorted({r["lad"] for r in rows} | set(query.lad_codes))
    if not unsuppressed:
        rows = public.by_lsoa(rows, query) if level == "lsoa" else public.line(rows)
    figures = {r[level]: r for r in rows}
    names = area_names(codes)
    features = []
    for code, geometry in Boundary.objects.filter(area_code__in=codes).values_list("area_code", "map_geojson"):
        row = figures.get(code, {"count": 0, "rate_per_1000": 0.0})
        properties = {"code": code, "name": names.get(code, ""), "count": row.get("count"),
                      "rate_per_1000": row.get("rate_per_1000")}
        features.append(f'{{"type":"Feature","properties":{json.dumps(properties)},"geometry":{geometry}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def hotspot_layer(rows: list[dict]) -> str:
    """GeoJSON of the LSOAs in ``rows`` (from ``gistar_hotspots``) with their class, z and rate."""
    by_code = {r["lsoa"]: r for r in rows}
    features = []
    for code, geometry in Boundary.objects.filter(area_code__in=list(by_code)).values_list("area_code", "map_geojson"):
        row = by_code[code]
        properties = {"code": code, "class": row["class"], "z": row["z"], "p_fdr": row["p_fdr"],
                      "rate_per_1000": row["value"], "count": row["count"]}
        features.append(f'{{"type":"Feature","properties":{json.dumps(properties)},"geometry":{geometry}}}')
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"
