"""The figures of the region overview and area profile, as plain rows (each downloadable in every format).

Every function takes a FigureQuery (period, area or the region, source) and a ``FigureAccess`` (whose counts
come from the warehouse in full, or from the public release for a controlled source the viewer is not entitled
to) and returns a list of dicts. A value that cannot be given is a ``core.figures.Missing`` with its reason:
withheld, no data for a period, or not defined (a percentage of nothing) — never a zero.
"""

import math
from dataclasses import replace

from core import request_memo
from core.figures import WITHHELD, Missing, known, no_data, undefined
from core.periods import Year, months_between, shift
from core.problems import Refused
from geography.models import DeprivationRecord
from insights.query.access import FigureAccess
from insights.query.areas import area_names
from insights.query.figure_cache import remember
from insights.query.figures import CELL_KEYS, NO_LOCATION, FigureQuery, cell_counts, counts, parse_month, select

VIOLENCE = "Violence and sexual offences"
WEAPONS = "Possession of weapons"
ROBBERY = "Robbery"
KNIFE = "knife or sharp object"
UNDER_25 = "24 and under"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def previous_year(query: FigureQuery) -> FigureQuery:
    """The same query one year earlier (needs month_from and month_to)."""
    start, end = parse_month(query.month_from), parse_month(query.month_to)
    return replace(query, month_from=f"{start.year - 1}-{start.month:02d}",
                   month_to=f"{end.year - 1}-{end.month:02d}")


def period_label(month_from: str, month_to: str) -> str:
    """A period as people name it: ``2024``, ``2024/25``, else ``2024-02 to 2025-01``."""
    year = Year.of_months(month_from, month_to)
    return year.label if year else f"{month_from} to {month_to}"


#: Headline measures: key, label, source, what to count (types, or an age group of ED data).
HEADLINE = [
    ("violence", "Violence and sexual offences (police recorded)", "police", {"types": (VIOLENCE,)}),
    ("weapons", "Possession of weapons (police recorded)", "police", {"types": (WEAPONS,)}),
    ("robbery", "Robbery (police recorded)", "police", {"types": (ROBBERY,)}),
    ("ed_assaults", "Emergency department assault attendances", "ed", {}),
    ("ed_knife", "of which with a knife or sharp object", "ed", {"types": (KNIFE,)}),
    ("ed_under_25", "of which aged under 25", "ed", {"age_group": UNDER_25}),
]


def _counts(access: FigureAccess, query: FigureQuery, by: list[str]) -> list[dict]:
    """``access.counts(query, by)``'s keys and counts (rates left out). Counts by month and type that come from
    the warehouse in full are summed from the area's cells (``figures.cell_counts``), which the headline,
    trend, seasonality, types and notes of every page about the area share, whatever its period and type."""
    if set(by) <= set(CELL_KEYS) and access.full(query):
        # The headline's police measures ask for the same counts by type three times: summed once a request
        # (the rows are read, never changed, by every caller here).
        return request_memo.memo(("cell counts", query, tuple(by)), lambda: cell_counts(query, by))
    return access.counts(query, by)


def _measure_count(access: FigureAccess, query: FigureQuery, spec: dict) -> object:
    if "age_group" in spec:
        rows = access.counts(replace(query, types=()), ["age_group"])  # not among the cells' keys
        return next((r["count"] for r in rows if r["age_group"] == spec["age_group"]), 0)
    types = spec.get("types", ())
    if types and access.full(query):
        # The period's counts by type, asked once for every measure (the request keeps them): the same cells
        # summed, so the same numbers as a count per type.
        rows = _counts(access, replace(query, types=()), ["crime_type"])
        return sum(r["count"] for r in rows if r["crime_type"] in types)
    rows = _counts(access, replace(query, types=types), [])
    return rows[0]["count"] if rows else 0


def headline_figures(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """The overview's headline counts for the period, each with the same period a year before.

    Police: violence and sexual offences, possession of weapons, robbery. ED: assault attendances, of which
    with a knife or sharp object, of which aged under 25. The query's own type filter is ignored (each
    measure has its own). A period the source holds no data for says so; a change needs both periods whole.
    """
    before = previous_year(query)
    label, previous_label = period_label(query.month_from, query.month_to), period_label(before.month_from,
                                                                                          before.month_to)
    now_months = set(months_between(query.month_from, query.month_to))
    before_months = set(months_between(before.month_from, before.month_to))
    # Each source's queries, made once (three measures share each source; a query validates itself when made).
    queries = {source: (replace(query, source=source), replace(before, source=source))
               for source in {source for _, _, source, _ in HEADLINE}}
    rows = []
    for key, title, source, spec in HEADLINE:
        now_query, before_query = queries[source]
        held = access.months(source)
        has_now, has_before = now_months <= held, before_months <= held
        try:
            now = _measure_count(access, now_query, spec) if held & now_months else no_data(label)
            previous = _measure_count(access, before_query, spec) if has_before else no_data(previous_label)
        except Refused as exc:
            # Refused for a period the data only partly covers: not available [x]; for a whole period (an area
            # below the release's level): withheld [c].
            now = previous = Missing("c" if has_now and has_before else "x", exc.reason)
        cut_short = [why for month, why in _incomplete(now_query, access).items()
                     if month in now_months or month in before_months]
        if not has_now and known(now):
            change = percent = undefined(f"the data covers only part of {label}")
        elif cut_short and known(now) and known(previous):
            change = percent = undefined("; ".join(cut_short))
        elif not known(now) or not known(previous):
            change = percent = previous if not known(previous) else now
        else:
            change = now - previous
            percent = round(100 * change / previous, 1) if previous else undefined(f"none in {previous_label}")
        rows.append({"measure": key, "label": title, "source": source, "count": now, "previous_year_count": previous,
                     "change": change, "change_percent": percent})
    return rows


def _incomplete(query: FigureQuery, access: FigureAccess) -> dict[str, str]:
    """Months of open (police.uk) data that look incomplete (``insights.query.completeness.short_months``):
    for the region as a whole, for any of its local authorities, and for the chosen area on its own (a force
    can upload one area's month short while the region's total looks ordinary). Every record counts, whatever
    the query's type. Controlled sources are not judged here: their monthly totals reach the public only
    through the release."""
    from insights.query.completeness import region_incomplete_months

    if query.source != "police":
        return {}
    # Asked by every headline measure and the trend: read once per request.
    flagged = dict(request_memo.memo("region incomplete months police", lambda: remember(
        "region incomplete months", ("police",), lambda: region_incomplete_months("police"), shared=True)))
    held = sorted(access.months("police"))
    if not held:
        return flagged
    whole = replace(query, month_from=held[0], month_to=held[-1], types=())
    # Police data are open (every viewer counts them in full), and the answer ignores the period and type:
    # asked by every headline measure, the trend and seasonality, it is worked out once per request.
    return dict(request_memo.memo(("incomplete", whole), lambda: _incomplete_in(whole, access, flagged, held)))


def _incomplete_in(whole: FigureQuery, access: FigureAccess, flagged: dict[str, str],
                   held: list[str]) -> dict[str, str]:
    from insights.query.completeness import AREA_MEDIAN_AT_LEAST, short_months

    if whole.area:
        groups = {whole.area: _counts(access, whole, ["month"])}
    else:
        groups = {}
        for r in access.counts(whole, ["lad", "month"]):
            if r["lad"]:
                groups.setdefault(r["lad"], []).append(r)
    for area, rows in groups.items():
        totals = dict.fromkeys(held, 0) | {r["month"]: r["count"] for r in rows if known(r["count"])}
        for month, why in short_months(totals, f" in {area}", AREA_MEDIAN_AT_LEAST).items():
            flagged.setdefault(month, why)
    return dict(sorted(flagged.items()))


def trend(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """Monthly counts of the period with the rolling 12-month total and the change on a year before.

    A month the source holds no data for is "no data", not zero; a month that looks incomplete (fewer than
    half the median month's records) is "incomplete", not a fall; a rolling total is given only when all its
    twelve months have data (so it is never a running total of a short series), and a change only when both
    months have.
    """
    first = shift(query.month_from, -12)
    loaded = access.months(query.source)
    cut_short = _incomplete(query, access)
    counted = _by_month(query, access)
    value = {m: (Missing("x", cut_short[m]) if m in cut_short else counted.get(m, 0) if m in loaded
                 else no_data(m)) for m in months_between(first, query.month_to)}
    rows = []
    for month in months_between(query.month_from, query.month_to):
        window = [value[shift(month, -k)] for k in range(12)]
        gaps = [v for v in window if isinstance(v, Missing) and v.code == "x"]
        if gaps:
            rolling = undefined(f"12 months of data are needed ({gaps[-1].reason})")
        else:
            rolling = sum(window) if all(known(v) for v in window) else WITHHELD
        count, year_before = value[month], value[shift(month, -12)]
        if known(count) and known(year_before):
            change = count - year_before
            percent = round(100 * change / year_before, 1) if year_before else undefined("none a year before")
        else:
            change = percent = year_before if not known(year_before) else count
        rows.append({"month": month, "count": count, "rolling_12_months": rolling,
                     "change_on_previous_year": change, "change_on_previous_year_percent": percent})
    return rows


def _by_month(query: FigureQuery, access: FigureAccess) -> dict[str, object]:
    """Counts by month from 12 months before the period to its end: one query for the trend and seasonality."""
    first = shift(query.month_from, -12)
    return {r["month"]: r["count"] for r in _counts(access, replace(query, month_from=first), ["month"])}


def _names(codes: list[str]) -> dict[str, str]:
    """The names of ``codes``, kept in the shared cache (per geography version) like the figures."""
    return remember("area names", (tuple(codes),), lambda: area_names(codes))


def by_type(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """Counts by crime type (police) or means of assault (ED), largest first, with each one's share."""
    rows = _counts(access, query, ["crime_type"])
    if access.full(query):
        total = sum(r["count"] for r in rows)  # every event has one row here (a blank type too)
    else:  # the release's total is rounded on its own, not the sum of its rounded types
        total_rows = _counts(access, query, [])
        total = total_rows[0]["count"] if total_rows else 0
    result = []
    for r in rows:
        share = (round(100 * r["count"] / total, 1) if known(r["count"]) and known(total) and total
                 else WITHHELD if not known(r["count"]) or not known(total) else undefined("no records"))
        result.append({"type": r["crime_type"] or "not known", "count": r["count"], "share_percent": share})
    return sorted(result, key=lambda r: (-(r["count"] if known(r["count"]) else -1), r["type"]))


def by_local_authority(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """Counts and rates per 1,000 residents (and aged 24 and under) by local authority, with a labelled
    ``no location`` row for the records that could not be placed."""
    counted = access.counts(query, ["lad"])
    names = _names([r["lad"] for r in counted if r["lad"] is not None])  # only these: not every area's name
    rows = []
    for r in counted:
        placed = r["lad"] is not None
        rows.append({"lad": r["lad"] if placed else NO_LOCATION,
                     "name": names.get(r["lad"], "") if placed else "Records with no location",
                     "count": r["count"], "population": r.get("population") if placed else None,
                     "rate_per_1000": r.get("rate_per_1000") if placed else undefined("no residents"),
                     "rate_per_1000_aged_24_and_under": r.get("rate_per_1000_aged_24_and_under") if placed
                     else undefined("no residents")})
    return rows


def places_most_affected(query: FigureQuery, access: FigureAccess, limit: int = 20) -> list[dict]:
    """The LSOAs with the most events: count, share of the total, rate, and IMD decile (1 = most deprived)."""
    if not access.full(query):
        access.require_full(query, "figures by lsoa")  # as access.top_areas refuses it
    # The ten-odd rows of ``figures.top_areas`` taken from the counts by LSOA that the concentration figure
    # asks for anyway (the same SQL for counts and rates, so the same numbers): one query fewer a page.
    placed = [r for r in counts(query, ["lsoa"]) if r["lsoa"] is not None]
    top = sorted(placed, key=lambda r: (-r["count"], r["lsoa"]))[:limit]
    total = sum(r["count"] for r in placed) or 1
    deciles = _imd_deciles([r["lsoa"] for r in top])
    names = _names([r["lsoa"] for r in top])
    return [{"rank": i, "lsoa": r["lsoa"], "name": names.get(r["lsoa"], ""), "count": r["count"],
             "share_percent": round(100 * r["count"] / total, 2), "rate_per_1000": r["rate_per_1000"],
             "imd_decile": deciles.get(r["lsoa"])} for i, r in enumerate(top, start=1)]


def concentration(query: FigureQuery, access: FigureAccess, universe: list[str]) -> list[dict]:
    """Share of all events in the top 1%, 5%, 10%, 20% and 50% of LSOAs (``universe``: the LSOAs of the area,
    so that LSOAs with none count)."""
    by_lsoa = {r["lsoa"]: r["count"] for r in access.counts(query, ["lsoa"]) if r["lsoa"] is not None}
    values = sorted((by_lsoa.get(code, 0) for code in universe), reverse=True)
    total = sum(values)
    rows = []
    for percent in (1, 5, 10, 20, 50):
        n = max(1, math.ceil(len(values) * percent / 100)) if values else 0
        rows.append({"top_percent_of_lsoas": percent, "lsoas": n, "count": sum(values[:n]),
                     "share_percent": round(100 * sum(values[:n]) / total, 1) if total
                     else undefined("no records")})
    return rows


def seasonality(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """Average count in each calendar month over the months of the period that have data.

    A month that looks incomplete (``_incomplete``: a late or partial police.uk upload) is left out of its
    average rather than pulling it down; ``months_left_out`` says how many were, per calendar month.
    """
    loaded = access.months(query.source)
    short = _incomplete(query, access)
    counted = _by_month(query, access)  # the trend's counts (the months of the period are among them)
    by_month: dict[int, list] = {}
    left_out: dict[int, int] = {}
    for month in months_between(query.month_from, query.month_to):
        value = counted.get(month, 0)
        if month in short:
            left_out[int(month[5:])] = left_out.get(int(month[5:]), 0) + 1
        elif month in loaded and not (isinstance(value, Missing) and value.code == "x"):
            # A month with data the viewer's figures cannot give (not in the public release) is left out, as a
            # month with no data is, rather than averaged in as a zero or withholding the whole calendar month.
            by_month.setdefault(int(month[5:]), []).append(value)
    rows = []
    for number, values in sorted(by_month.items()):
        total = sum(values) if all(known(v) for v in values) else WITHHELD
        rows.append({"month_of_year": number, "name": MONTHS[number - 1], "count": total, "months": len(values),
                     "months_left_out": left_out.get(number, 0),
                     "average": round(total / len(values), 1) if known(total) else WITHHELD})
    return rows


def day_and_hour(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """ED attendances by day of week and hour of the assault (arrival time where the assault time is unknown)."""
    query = replace(query, source="ed", types=())
    access.require_full(query, "ED attendances by day and hour")
    rows = select(query, """
        SELECT isodow(coalesce(e.incident_at, e.arrival_at)) AS day,
               hour(coalesce(e.incident_at, e.arrival_at)) AS hour, count(*) AS count
        FROM {events} WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2""")
    return [{"day": DAYS[r["day"] - 1], "day_number": r["day"], "hour": r["hour"], "count": r["count"]} for r in rows]


def _imd_deciles(codes: list[str]) -> dict[str, int | None]:
    """IMD decile of each LSOA: the 2025 edition (LSOA 2021), else 2019."""
    every = remember("imd deciles", (), _every_imd_decile, shared=True)
    return {code: every[code] for code in codes if code in every}


def _every_imd_decile() -> dict[str, int]:
    # Every loaded LSOA's, kept with the figures: the pages of every area ask for their top LSOAs' deciles.
    found: dict[str, int] = {}
    for code, decile in DeprivationRecord.objects.order_by("edition").values_list("area_code", "values__imd_decile"):
        if decile is not None:
            found[code] = int(decile)
    return found


def comparison(query: FigureQuery, access: FigureAccess) -> list[dict]:
    """An area beside its neighbours (areas of the same level sharing a boundary) and the region: count, rate
    per 1,000 residents and the area's rank by rate among all areas of its level in the region.

    Without an area, the region's local authorities are compared. Rank 1 is the highest rate.
    """
    from geography.codes import level_of
    from insights.query.access import for_region
    from insights.query.neighbours import kept_neighbours_of

    level = level_of(query.area) if query.area else "lad"
    if level not in ("lad", "ward", "msoa", "lsoa"):
        return []
    region_query = for_region(query)
    # The ranking of every area of the level is the same for every area of the region: worked out once per
    # period, type and level (and whether the counts are the warehouse's or the release's).
    by_code, rank, ranked = remember("ranks by rate", (region_query, level, access.full(region_query)),
                                     lambda: _ranks_by_rate(access.counts(region_query, [level]), level),
                                     shared=True)
    wanted = [query.area, *kept_neighbours_of(query.area)] if query.area else list(by_code)
    names = _names(wanted)
    result = [{"area": code, "name": names.get(code, ""), "relation": "this area" if code == query.area
               else ("neighbour" if query.area else "local authority"),
               "count": by_code.get(code, (0, None))[0], "rate_per_1000": by_code.get(code, (0, None))[1],
               "rank_by_rate": rank.get(code, WITHHELD if code in by_code else None), "of": ranked}
              for code in wanted]
    totals = _counts(access, region_query, [])
    total = totals[0]["count"] if totals else 0
    population = remember("region population", (), _region_population)
    result.append({"area": "region", "name": "The region", "relation": "region", "count": total,
                   "rate_per_1000": round(total * 1000 / population, 3) if known(total) and population
                   else (WITHHELD if not known(total) else undefined("no residents loaded")),
                   "rank_by_rate": None, "of": None})
    return result


def _ranks_by_rate(rows: list[dict], level: str) -> tuple[dict[str, tuple], dict[str, int], int]:
    """Each area's (count, rate), in the rows' order; its rank by rate (1 = highest; areas without a rate are
    not ranked); and how many were ranked."""
    placed = [r for r in rows if r[level] is not None]
    ranked = sorted((r for r in placed if known(r.get("rate_per_1000"))), key=lambda r: -r["rate_per_1000"])
    return ({r[level]: (r["count"], r.get("rate_per_1000")) for r in placed},
            {r[level]: i for i, r in enumerate(ranked, start=1)}, len(ranked))


def _region_population() -> float:
    from core.region import current_region
    from insights.query.areas import area_tables

    lads = set(current_region().lad_codes)
    _, lsoa21 = area_tables()
    table = lsoa21.to_pydict()
    return sum(p or 0 for p, lad in zip(table["population"], table["lad_code"], strict=True) if lad in lads)


def left_out(query: FigureQuery, access: FigureAccess) -> list[str]:
    """What a region figure leaves out, in words: records located outside the region (and another force's
    records with no location). Empty for an area's figures (they count what lies in the area)."""
    from core.release import ALL, OUTSIDE, TOTAL, current_release
    from core.release import year_label as release_year

    if query.area or not query.lad_codes or not (query.month_from and query.month_to):
        return []
    label = period_label(query.month_from, query.month_to)
    if not access.full(query):
        year = release_year(query.month_from, query.month_to)
        release = current_release(query.source)
        measure = next(iter(release.manifest["measures"]))
        if year is None or not release.holds(measure, TOTAL, ALL, year, OUTSIDE):
            return []
        outside = release.value(measure, TOTAL, ALL, year, OUTSIDE)
        words = "a withheld number of" if not known(outside) else f"{outside:,}"
        return [f"In {label}, {words} records located outside the region are left out (public release, rounded)."]
    everything = replace(query, lad_codes=(), no_location=False, forces=(), area=None)
    total = sum(r["count"] for r in _counts(access, everything, []))
    region = sum(r["count"] for r in _counts(access, query, []))
    if total - region <= 0:
        return []
    return [f"In {label}, {total - region:,} records located outside the region, or with no location from "
            "another force, are left out."]

