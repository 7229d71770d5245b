"""LSOA hotspots for a period, area and crime types: the query layer's rates through Gi*."""

from dataclasses import replace

import numpy as np
import shapely

from core.problems import InputRejected, Problem
from core.region import current_region
from geography.codes import level_of
from geography.models import Boundary
from insights.hotspots import g_local_star, queen_weights
from insights.query.areas import area_tables
from insights.query.figures import FigureQuery, counts

#: What this module keeps per geography table, held here with the table (so its id names it while it is
#: kept): each area's LSOAs, each area's LSOAs that can be mapped with their contiguity, and map outlines.
_KEPT: dict[int, tuple[object, dict]] = {}
#: At most this many results of each kind per geography table (an area's contiguity is at most the region's:
#: a sparse matrix of a few thousand LSOAs).
_KEPT_PER_KIND = 512


def _kept(kind: str, key: object, compute):
    """``compute()``, kept while the geography table stays the same (a new import replaces the table). Areas'
    LSOAs, boundaries and contiguity depend on the geography alone, not on the period or types asked, yet a
    hot spot map with a new period used to read the boundaries again and rebuild the weights."""
    _, lsoa21 = area_tables()
    table, found = _KEPT.get(id(lsoa21), (None, None))
    if table is not lsoa21:
        _KEPT.clear()
        found = {}
        _KEPT[id(lsoa21)] = (lsoa21, found)
    results = found.setdefault(kind, {})
    if key not in results:
        if len(results) >= _KEPT_PER_KIND:
            results.clear()
        results[key] = compute()
    return results[key]


def lsoas_in(area: str | None) -> list[str]:
    """The 2021 LSOAs of an area (any level), or of the configured region's local authorities. Kept per
    geography table and area (the overview asks for an area's LSOAs twice a page)."""
    lads = tuple(current_region().lad_codes) if area is None else ()
    return list(_kept("lsoas", (area, lads), lambda: tuple(_lsoas_in(area, lads))))


def _lsoas_in(area: str | None, lads: tuple[str, ...]) -> list[str]:
    # The table's columns as lists, once per geography (each new area would otherwise convert them all).
    table = _kept("columns", None, lambda: area_tables()[1].to_pydict())
    if area is None:
        wanted = set(lads)
        return sorted(c for c, lad in zip(table["lsoa21_code"], table["lad_code"], strict=True) if lad in wanted)
    level = level_of(area)
    if level == "lsoa":
        return [area]
    column = table.get(f"{level}_code")
    if column is None:
        raise InputRejected([Problem("query", f"hotspots cannot be computed within a {level}", column="area")])
    return sorted(c for c, parent in zip(table["lsoa21_code"], column, strict=True) if parent == area)


def gistar_hotspots(query: FigureQuery, alpha: float = 0.05, weights: str = "none") -> list[dict]:
    """One row per LSOA of the area: count, rate per 1,000 residents (``value``), Gi* z, p, FDR-adjusted p
    and class.

    With ``weights`` ``css`` or ``chi`` (police data only), ``value`` is harm per 1,000 residents: each
    crime counted by its type's loaded harm weight (``insights.query.harm``). LSOAs with no boundary or
    no population are left out (they cannot be placed or given a rate).
    """
    counted = {r["lsoa"]: r for r in counts(replace(query, area=None), ["lsoa"])}
    harm = None
    if weights != "none":
        from insights.query.harm import harm_weights, weighted_counts

        if query.source != "police":
            raise InputRejected([Problem("query", "harm weights apply to police recorded crime only",
                                         column="weights")])
        harm = weighted_counts(counts(replace(query, area=None), ["lsoa", "crime_type"]), harm_weights(weights))
    usable, contiguity = _mappable(query.area)
    if not any(counted.get(c, {}).get("count", 0) for c in usable):
        where = f"area {query.area}" if query.area else f"the region ({current_region().name})"
        period = f"{query.month_from or 'the first month'} to {query.month_to or 'the last month'}"
        raise InputRejected([Problem("query", f"no {query.source} records in {where} from {period}: every LSOA "
                                              "would score z = 0, so hot spots are not computed (load the "
                                              "region's data, or see `vrp region show` for the months held)",
                                     column="area")])
    measure = harm if harm is not None else {c: r["count"] for c, r in counted.items()}
    residents = _residents()
    values = np.array([measure.get(c, 0) * 1000.0 / residents[c] for c in usable])
    result = g_local_star(values, contiguity, alpha)
    return [{"lsoa": code, "count": counted.get(code, {}).get("count", 0), "value": round(float(v), 3),
             "z": round(float(z), 4), "p": float(p), "p_fdr": float(q), "class": cls}
            for code, v, z, p, q, cls in zip(usable, values, result.z, result.p, result.p_fdr, result.classes,
                                             strict=True)]


def _mappable(area: str | None) -> tuple[list[str], object]:
    """The area's LSOAs that have a boundary and residents (Gi* can place them and give them a rate), and their
    queen contiguity; refused, naming the fix, when fewer than three. Kept per geography table and area."""
    usable, contiguity = _kept("mappable", (area, tuple(current_region().lad_codes) if area is None else ()),
                               lambda: _mappable_now(lsoas_in(area)))
    if len(usable) < 3:
        raise InputRejected([Problem("query", f"only {len(usable)} LSOAs of this area have boundaries and "
                                              "population; load them with `vrp geography`", column="area")])
    return list(usable), contiguity


def _mappable_now(codes: list[str]) -> tuple[tuple[str, ...], object]:
    wanted = set(codes)
    geometry = {code: bytes(wkb) for code, wkb in
                Boundary.objects.filter(area_code__in=codes).values_list("area_code", "geometry_wkb")} \
        if len(codes) < 900 else {code: bytes(wkb) for code, wkb in Boundary.objects.filter(level="lsoa")
                                  .values_list("area_code", "geometry_wkb") if code in wanted}
    population = _residents()
    usable = tuple(c for c in codes if c in geometry and population.get(c))
    if len(usable) < 3:
        return usable, None
    return usable, queen_weights(shapely.from_wkb([geometry[c] for c in usable]))


def _residents() -> dict[str, float]:
    """Each 2021 LSOA's residents (all ages)."""
    def compute() -> dict[str, float]:
        _, lsoa21 = area_tables()
        return dict(zip(lsoa21.column("lsoa21_code").to_pylist(), lsoa21.column("population").to_pylist(),
                        strict=True))

    return _kept("residents", None, compute)


def with_geometry(rows: list[dict]) -> list[dict]:
    """``rows`` (from ``gistar_hotspots``) with each LSOA's map boundary as GeoJSON text (``geometry``)."""
    shapes = dict(Boundary.objects.filter(area_code__in=[r["lsoa"] for r in rows]).values_list("area_code",
                                                                                             "map_geojson"))
    return [{**r, "geometry": shapes.get(r["lsoa"])} for r in rows]


def persistence_periods(month_from: str, month_to: str, period_months: int) -> tuple[list[tuple[str, str]],
                                                                                     list[str]]:
    """Consecutive periods of ``period_months`` aligned from ``month_to`` backwards (the latest period is always
    whole), as many as fit from ``month_from``; and the months before the first period that were left out."""
    from insights.ingest.fetch import months_between

    months = months_between(month_from, month_to)
    whole = len(months) // period_months
    left_out = months[:len(months) - whole * period_months]
    kept = months[len(left_out):]
    return [(kept[i], kept[i + period_months - 1]) for i in range(0, len(kept), period_months)], left_out


def persistence(query: FigureQuery, period_months: int = 12) -> list[dict]:
    """Each LSOA's Gi* class in consecutive periods of ``period_months`` ending at ``month_to`` (as many as
    fit from ``month_from``; ``persistence_periods`` says which months that leaves out), and its persistence
    pattern (``insights.hotspots.persistence``)."""
    from insights.hotspots.persistence import classify_persistence

    if not (query.month_from and query.month_to):
        raise InputRejected([Problem("query", "persistence needs --from and --to", column="month_from")])
    periods, _ = persistence_periods(query.month_from, query.month_to, period_months)
    if len(periods) < 2:
        raise InputRejected([Problem("query", f"persistence needs at least two periods of {period_months} months "
                                              "between from and to", column="month_from")])
    by_period = [{r["lsoa"]: r["class"] for r in gistar_hotspots(replace(query, month_from=a, month_to=b))}
                 for a, b in periods]
    codes = sorted(by_period[-1])
    return [{"lsoa": code, **{f"{a}..{b}": classes.get(code, "") for (a, b), classes in zip(periods, by_period,
                                                                                           strict=True)},
             "pattern": classify_persistence([classes.get(code, "") for classes in by_period])} for code in codes]
