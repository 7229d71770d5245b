"""Provision versus need: where many young people live with much violence and little to do nearby.

For each LSOA of the region: *need* is the platform's priority index (violence rate, its trend,
deprivation and the share aged 24 and under; ``insights.query.priority``); *provision* is the number of
weekly sessions of published services for young people (a minimum age of 24 or under) with a location
within walking distance of the LSOA's centre (1,000 m by default, about 12 minutes' walk). Places are
listed by the gap: need percentile minus provision percentile, largest first, as the Community Sport
Strategic Analysis Tool asks "where is need high and provision low", for any activity (taxonomy term).
Ward rows average their LSOAs' percentiles.
"""

from collections import defaultdict
from dataclasses import replace

import numpy as np

from geography.models import AreaLink, Boundary
from insights.hotspots.query import lsoas_in
from insights.query import figure_cache
from insights.query.catalogue import default_query
from insights.query.priority import percentile_rank, priority_places
from places.services.directory import distance_m, published

WALKING_DISTANCE_M = 1000


def lsoa_centres(codes: list[str]) -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each LSOA's boundary centroid."""
    import shapely

    rows = Boundary.objects.filter(area_code__in=codes).values_list("area_code", "geometry_wkb")
    centres = {}
    for code, wkb in rows:
        point = shapely.from_wkb(bytes(wkb)).centroid
        centres[code] = (point.y, point.x)
    return centres


def provision_vs_need(activity: str = "", walking_m: float = WALKING_DISTANCE_M, area: str | None = None
                      ) -> list[dict]:
    """One row per LSOA: need index and percentile, weekly sessions nearby and percentile, gap; biggest gap first."""
    query = replace(default_query(), area=area, types=("Violence and sexual offences",))
    universe = lsoas_in(area)
    need = {r["lsoa"]: r for r in priority_places(query, universe, limit=None)}
    services = [s for s in published() if (s.minimum_age is None or s.minimum_age <= 24)
                and (not activity or any(t.code == activity for t in s.terms.all()))]
    points = [(loc.latitude, loc.longitude, len(s.schedules.all())) for s in services for loc in s.locations.all()]
    centres = lsoa_centres(list(need))
    codes = [c for c in need if c in centres]
    sessions = np.array([sum(n for lat, lon, n in points if distance_m(centres[c][0], centres[c][1], lat, lon)
                             <= walking_m) for c in codes], dtype=float)
    need_index = np.array([need[c]["priority_index"] for c in codes], dtype=float)
    need_pct, provision_pct = percentile_rank(need_index), percentile_rank(sessions)
    rows = [{"lsoa": c, "name": need[c]["name"], "need_index": need[c]["priority_index"],
             "need_percentile": round(float(need_pct[i]), 1), "sessions_per_week_nearby": int(sessions[i]),
             "provision_percentile": round(float(provision_pct[i]), 1),
             "gap": round(float(need_pct[i] - provision_pct[i]), 1)} for i, c in enumerate(codes)]
    return sorted(rows, key=lambda r: (-r["gap"], r["lsoa"]))


def by_ward(rows: list[dict]) -> list[dict]:
    """The LSOA rows averaged to wards (percentiles and gap averaged, sessions summed)."""
    ward_of = dict(AreaLink.objects.filter(child_code__in=[r["lsoa"] for r in rows], parent_level="ward")
                   .values_list("child_code", "parent_code"))
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[ward_of.get(r["lsoa"], "")].append(r)
    from insights.query.areas import area_names

    names = area_names([w for w in groups if w])
    out = [{"ward": w, "name": names.get(w, "Not in a ward"), "lsoas": len(g),
            "need_percentile": round(sum(r["need_percentile"] for r in g) / len(g), 1),
            "sessions_per_week_nearby": sum(r["sessions_per_week_nearby"] for r in g),
            "gap": round(sum(r["gap"] for r in g) / len(g), 1)} for w, g in groups.items()]
    return sorted(out, key=lambda r: (-r["gap"], r["ward"]))


def provision_table(activity: str = "", level: str = "lsoa") -> list[dict]:
    """``provision_vs_need(activity)`` by LSOA, or ``by_ward`` of it, kept in the shared cache while the data
    (the directory's published services, the police data, the geography) stay the same: it measures every
    LSOA against every session's place, and the page's few activities and two levels are asked again and again
    (a visitor adding a made-up parameter to the address would miss the page cache every time)."""
    def compute() -> list[dict]:
        rows = provision_vs_need(activity)
        return by_ward(rows) if level == "ward" else rows

    return figure_cache.remember("provision", (activity, level, WALKING_DISTANCE_M), compute)
