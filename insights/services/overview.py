"""The figures of the region overview and area profile, as plain rows (each downloadable as CSV/JSON).

Every function takes a FigureQuery (period, area or region's local authorities, source) and returns a list
of dicts. Disclosure control for public views is applied to these rows by ``insights.services.public``.
"""

import math
from dataclasses import replace

from geography.models import DeprivationRecord
from insights.services.areas import area_names
from insights.services.figures import FigureQuery, counts, monthly_trend, parse_month, select, top_areas

VIOLENCE = "Violence and sexual offences"
WEAPONS = "Possession of weapons"
ROBBERY = "Robbery"
KNIFE = "knife or sharp object"
UNDER_25_BANDS = ("0-9", "10-17", "18-24")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def previous_year(query: FigureQuery) -> FigureQuery:
    """The same query one year earlier (needs month_from and month_to)."""
    start, end = parse_month(query.month_from), parse_month(query.month_to)
    return replace(query, month_from=f"{start.year - 1}-{start.month:02d}",
                   month_to=f"{end.year - 1}-{end.month:02d}")


#: Headline measures: key, label, source, SQL condition picking the measure's events.
HEADLINE = [
    ("violence", "Violence and sexual offences (police recorded)", "police", f"e.crime_type = '{VIOLENCE}'"),
    ("weapons", "Possession of weapons (police recorded)", "police", f"e.crime_type = '{WEAPONS}'"),
    ("robbery", "Robbery (police recorded)", "police", f"e.crime_type = '{ROBBERY}'"),
    ("ed_assaults", "Emergency department assault attendances", "ed", "TRUE"),
    ("ed_knife", "of which with a knife or sharp object", "ed", f"e.assault_method = '{KNIFE}'"),
    ("ed_under_25", "of which aged under 25", "ed",
     "e.age_band IN (" + ", ".join(f"'{b}'" for b in UNDER_25_BANDS) + ")"),
]


def headline_figures(query: FigureQuery) -> list[dict]:
    """The overview's headline counts for the period, each with the same period a year before.

    Police: violence and sexual offences, possession of weapons, robbery. ED: assault attendances, of which
    with a knife or sharp object, of which aged under 25. One scan per source covers both years.
    Needs month_from and month_to; the query's own type filter is ignored (each measure has its own).
    """
    before = previous_year(query)
    now_from, now_to = parse_month(query.month_from), parse_month(query.month_to)
    rows = []
    for source in ("police", "ed"):
        measures = [m for m in HEADLINE if m[2] == source]
        filters = []
        for key, _, _, condition in measures:
            # Dates are computed here, not typed by a user, so they are written into the SQL as literals.
            for period, compare in (("now", ">="), ("before", "<")):
                filters.append(f"coalesce(sum(e.events) FILTER (e.month {compare} DATE '{now_from}' AND {condition}),"
                               f" 0) AS {key}_{period}")
        scanned = select(replace(query, source=source, types=(), month_from=before.month_from),
                         "SELECT " + ", ".join(filters) + " FROM {cube} WHERE {where}"
                         f" AND e.month <= DATE '{now_to}'")
        found = scanned[0] if scanned else {}
        for key, label, _, _ in measures:
            now, previous = int(found.get(f"{key}_now", 0)), int(found.get(f"{key}_before", 0))
            change = now - previous
            rows.append({"measure": key, "label": label, "source": source, "count": now,
                         "previous_year_count": previous, "change": change,
                         "change_percent": round(100 * change / previous, 1) if previous else None})
    return rows


def trend(query: FigureQuery) -> list[dict]:
    """Monthly counts of the period with the rolling 12-month total and the change on a year before, each
    month's rolling total taken over its own 12 months (so the 11 months before the period are read too)."""
    if not (query.month_from and query.month_to):
        return monthly_trend(query)
    start = parse_month(query.month_from)
    earlier = f"{start.year - 1}-{start.month:02d}"
    return [row for row in monthly_trend(replace(query, month_from=earlier)) if row["month"] >= query.month_from]


def by_type(query: FigureQuery) -> list[dict]:
    """Counts by crime type (police) or means of assault (ED), largest first, with each one's share."""
    rows = counts(query, ["crime_type"])
    total = sum(r["count"] for r in rows) or 1
    return sorted(({"type": r["crime_type"], "count": r["count"], "share_percent": round(100 * r["count"] / total, 1)}
                   for r in rows), key=lambda r: -r["count"])


def by_local_authority(query: FigureQuery) -> list[dict]:
    """Counts and rates per 1,000 residents (and aged 24 and under) by local authority."""
    names = area_names()
    return [{"lad": r["lad"], "name": names.get(r["lad"], ""), "count": r["count"], "population": r["population"],
             "rate_per_1000": r["rate_per_1000"],
             "rate_per_1000_aged_24_and_under": r["rate_per_1000_aged_24_and_under"]}
            for r in counts(query, ["lad"]) if r["lad"] is not None]


def places_most_affected(query: FigureQuery, limit: int = 20) -> list[dict]:
    """The LSOAs with the most events: count, share of the total, rate, and IMD decile (1 = most deprived)."""
    top, total = top_areas(query, "lsoa", limit)
    total = total or 1
    deciles = _imd_deciles([r["lsoa"] for r in top])
    names = area_names([r["lsoa"] for r in top])
    return [{"rank": i, "lsoa": r["lsoa"], "name": names.get(r["lsoa"], ""), "count": r["count"],
             "share_percent": round(100 * r["count"] / total, 2), "rate_per_1000": r["rate_per_1000"],
             "imd_decile": deciles.get(r["lsoa"])} for i, r in enumerate(top, start=1)]


def concentration(query: FigureQuery, universe: list[str]) -> list[dict]:
    """Share of all events in the top 1%, 5%, 10%, 20% and 50% of LSOAs (``universe``: the LSOAs of the area,
    so that LSOAs with none count)."""
    by_lsoa = {r["lsoa"]: r["count"] for r in counts(query, ["lsoa"]) if r["lsoa"] is not None}
    values = sorted((by_lsoa.get(code, 0) for code in universe), reverse=True)
    total = sum(values)
    rows = []
    for percent in (1, 5, 10, 20, 50):
        n = max(1, math.ceil(len(values) * percent / 100)) if values else 0
        rows.append({"top_percent_of_lsoas": percent, "lsoas": n, "count": sum(values[:n]),
                     "share_percent": round(100 * sum(values[:n]) / total, 1) if total else None})
    return rows


def seasonality(query: FigureQuery) -> list[dict]:
    """Average count in each calendar month over the months of the period that have data."""
    rows = select(query, """SELECT month(e.month) AS month_of_year, sum(e.events)::BIGINT AS count,
                                   count(DISTINCT e.month) AS months
                            FROM {cube} WHERE {where} GROUP BY 1 ORDER BY 1""")
    return [{"month_of_year": r["month_of_year"], "name": MONTHS[r["month_of_year"] - 1], "count": r["count"],
             "months": r["months"], "average": round(r["count"] / r["months"], 1)} for r in rows]


def day_and_hour(query: FigureQuery) -> list[dict]:
    """ED attendances by day of week and hour of the assault (arrival time where the assault time is unknown)."""
    rows = select(replace(query, source="ed"), """
        SELECT isodow(coalesce(e.incident_at, e.arrival_at)) AS day,
               hour(coalesce(e.incident_at, e.arrival_at)) AS hour, count(*) AS count
        FROM {events} WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2""")
    return [{"day": DAYS[r["day"] - 1], "day_number": r["day"], "hour": r["hour"], "count": r["count"]} for r in rows]


def _imd_deciles(codes: list[str]) -> dict[str, int | None]:
    """IMD decile of each LSOA: the 2025 edition (LSOA 2021), else 2019."""
    found: dict[str, int | None] = {}
    for record in DeprivationRecord.objects.filter(area_code__in=codes).order_by("edition"):
        decile = record.values.get("imd_decile")
        if decile is not None:
            found[record.area_code] = int(decile)
    return found


def comparison(query: FigureQuery) -> list[dict]:
    """An area beside its neighbours (areas of the same level sharing a boundary) and the region: count, rate
    per 1,000 residents and the area's rank by rate among all areas of its level in the region.

    Without an area, the region's local authorities are compared. Rank 1 is the highest rate.
    """
    from geography.codes import level_of
    from insights.services.neighbours import neighbours_of

    level = level_of(query.area) if query.area else "lad"
    if level not in ("lad", "ward", "msoa", "lsoa"):
        return []
    region_query = replace(query, area=None)
    rows = [r for r in counts(region_query, [level]) if r[level] is not None and r["rate_per_1000"] is not None]
    ranked = sorted(rows, key=lambda r: -r["rate_per_1000"])
    rank = {r[level]: i for i, r in enumerate(ranked, start=1)}
    wanted = ([query.area, *neighbours_of(query.area)] if query.area else [r[level] for r in rows])
    by_code = {r[level]: r for r in rows}
    names = area_names(wanted)
    result = [{"area": code, "name": names.get(code, ""), "relation": "this area" if code == query.area
               else ("neighbour" if query.area else "local authority"),
               "count": by_code.get(code, {}).get("count", 0),
               "rate_per_1000": by_code.get(code, {}).get("rate_per_1000"),
               "rank_by_rate": rank.get(code), "of": len(ranked)} for code in wanted]
    total = sum(r["count"] for r in rows)
    population = sum(r["population"] or 0 for r in rows)
    result.append({"area": "region", "name": "The region", "relation": "region", "count": total,
                   "rate_per_1000": round(total * 1000 / population, 3) if population else None,
                   "rank_by_rate": None, "of": None})
    return result
