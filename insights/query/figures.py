"""The query layer: every page, API, report and ``vrp stats`` asks for figures through these functions.

Counts come from the current warehouse partitions (DuckDB over Parquet), joined to the geography in
``insights.query.areas`` so any area level can be asked for. Rates are per 1,000 residents and per
1,000 residents aged 24 and under, using the population of the finest area in the grouping.
"""

import math
import threading
from dataclasses import dataclass, field, replace
from datetime import date

import duckdb
from django.conf import settings

from core.caches import register_cache
from core.problems import InputRejected, Problem
from geography.codes import level_of
from geography.services.manifest import geography_version
from insights.ingest.warehouse import current_files
from insights.query import figure_cache
from insights.query.areas import area_tables
from insights.query.duck import connect, sql_list, sql_text

SOURCES = ("police", "ed")
AREA_KEYS = ("lsoa", "msoa", "ward", "lad")
BY_KEYS = ("month", "crime_type", *AREA_KEYS, "age_band", "age_group", "sex", "location_type")
ED_ONLY = ("age_band", "age_group", "sex", "location_type")
#: The label of the row of records the source could not place (never a blank key).
NO_LOCATION = "no location"
#: For ED data the "type" of an event is its means of assault.
TYPE_COLUMN = {"police": "e.crime_type", "ed": "e.assault_method"}
AREA_SQL = {"lsoa": "e.lsoa21_code", "msoa": "e.msoa_code", "ward": "e.ward_code", "lad": "e.lad_code"}
#: The columns each source's events keep in the shared database (with their 2021 LSOA, MSOA, ward and local
#: authority added); identifiers and free text stay in the Parquet files.
EVENT_COLUMNS = {"police": "e.month, e.crime_type, e.force, e.lsoa_code, e.longitude, e.latitude",
                 "ed": "e.*"}
#: The dimensions of each source's pre-aggregated counts ("cubes"): every column a figure groups or filters
#: by, so that a count over millions of events becomes a sum over thousands of cells.
CUBE_DIMENSIONS = {"police": ["month", "crime_type", "force"],
                   "ed": ["month", "assault_method", "age_band", "sex", "location_type"]}
LSOA_CUBE_AREAS = ["lsoa_code", "lsoa21_code", "msoa_code", "ward_code", "lad_code", "unplaced"]


def cube_columns(source: str) -> dict[str, list[str]]:
    """Each cube's columns, smallest cube first: by local authority; by LSOA over all types (the places and
    maps of the default view); by LSOA, type and (ED) age band, sex and location type."""
    return {"cube_lad": [*CUBE_DIMENSIONS[source], "lad_code", "unplaced"],
            "cube_lsoa_month": ["month", *LSOA_CUBE_AREAS],
            "cube_lsoa": [*CUBE_DIMENSIONS[source], *LSOA_CUBE_AREAS]}


@dataclass(frozen=True)
class FigureQuery:
    """What to count: source, period (inclusive months), area, types; validated on construction."""

    source: str = "police"
    month_from: str | None = None
    month_to: str | None = None
    area: str | None = None
    types: tuple[str, ...] = field(default_factory=tuple)
    #: Local authorities to keep (a region's); empty keeps all.
    lad_codes: tuple[str, ...] = field(default_factory=tuple)
    #: With ``lad_codes``: also count the records with no location from the region's own providers — for
    #: police data its ``forces`` (police.uk slugs), for ED data every site (the partnership's own). This is the
    #: one definition of the region's total: records located in its areas plus its records with no location.
    no_location: bool = False
    forces: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        problems = []
        if self.source not in SOURCES:
            problems.append(Problem("query", f"unknown source {self.source!r}; use one of {', '.join(SOURCES)}",
                                    column="source"))
        for name in ("month_from", "month_to"):
            value = getattr(self, name)
            if value is not None and parse_month(value) is None:
                problems.append(Problem("query", f"{value!r} is not a month (YYYY-MM)", column=name))
        if (self.month_from and self.month_to and parse_month(self.month_from) and parse_month(self.month_to)
                and self.month_from > self.month_to):
            problems.append(Problem("query", f"the period ends ({self.month_to}) before it starts "
                                    f"({self.month_from})", column="month_to"))
        if self.area is not None and level_of(self.area) == "pfa":
            problems.append(Problem("query", f"{self.area!r} is a police force area: set it up as the region "
                                    f"(`vrp region setup --pfa {self.area}`) and leave out the area; an area is one "
                                    "LSOA, MSOA, ward or local authority", column="area"))
        elif self.area is not None and level_of(self.area) not in AREA_KEYS:
            problems.append(Problem("query", f"{self.area!r} is not an LSOA, MSOA, ward or local authority code",
                                    column="area"))
        problems += [Problem("query", f"{code!r} is not a local authority code", column="lad_codes")
                     for code in self.lad_codes if level_of(code) != "lad"]
        if problems:
            raise InputRejected(problems)


def parse_month(text: str) -> date | None:
    """``"2024-03"`` → date(2024, 3, 1); anything else → None."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            return None
        return date(int(year), int(month), 1)
    except ValueError:
        return None


class _SharedDatabase:
    """One in-process DuckDB database per state of the warehouse and geography, shared by every query.

    Building it (geography tables, views over the current Parquet files) costs tens of milliseconds, so it
    is built once and rebuilt only when an ingest or a geography import changes what it holds. Each query
    runs on its own cursor (DuckDB cursors are separate connections to the same database, safe across
    threads).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._sources: set[str] = set()
        self._best_fit: dict[str, str] = {}
        #: The best fits of the database the calling thread's latest cursor reads (``_where`` uses them).
        self.local = threading.local()

    def cursor(self, source: str) -> tuple[duckdb.DuckDBPyConnection, bool]:
        files, key = self._wanted()
        with self._lock:
            self._bring_up_to(files, key)
            cursor = self._con.cursor()
            self.local.best_fit = self._best_fit
        return cursor, source in self._sources

    def best_fit(self) -> dict[str, str]:
        """2011 LSOA code → its best-fit 2021 LSOA in the current database, without opening a cursor."""
        files, key = self._wanted()
        with self._lock:
            self._bring_up_to(files, key)
            return self._best_fit

    def _wanted(self) -> tuple[dict[str, list[str]], tuple]:
        files = {s: current_files(s) for s in SOURCES}
        return files, (str(settings.VRP_DATA_DIR), geography_version(), tuple(tuple(files[s]) for s in SOURCES))

    def _bring_up_to(self, files: dict[str, list[str]], key: tuple) -> None:
        if key != self._key:
            self._rebuild(files)
            self._key = key

    def _rebuild(self, files: dict[str, list[str]]) -> None:
        # The previous database is not closed here: queries still running on its cursors keep it alive,
        # and it goes when they finish.
        con = connect()
        best_fit, lsoa21 = area_tables()
        con.register("best_fit_arrow", best_fit)
        con.register("lsoa21_arrow", lsoa21)
        con.execute("CREATE TABLE lsoa_best_fit AS SELECT * FROM best_fit_arrow")
        con.execute("CREATE TABLE lsoa21_areas AS SELECT * FROM lsoa21_arrow")
        con.unregister("best_fit_arrow")
        con.unregister("lsoa21_arrow")
        best_fit_of = dict(zip(best_fit.column("lsoa_code").to_pylist(), best_fit.column("lsoa21_code").to_pylist(),
                               strict=True))
        self._sources = {s for s, paths in files.items() if paths}
        for source in self._sources:
            # Materialised once per warehouse state with the geography joined in, so that a page's queries
            # scan columns in memory instead of opening every Parquet file and joining each time.
            con.execute(f"""CREATE TABLE events_{source} AS
                SELECT {EVENT_COLUMNS[source]}, coalesce(b.lsoa21_code, e.lsoa_code) AS lsoa21_code,
                       g.msoa_code, g.ward_code, g.lad_code,
                       -- no location at all, as against an LSOA the loaded geography does not hold (elsewhere)
                       e.lsoa_code IS NULL AS unplaced
                FROM read_parquet({sql_list(files[source])}) e
                LEFT JOIN lsoa_best_fit b ON b.lsoa_code = e.lsoa_code
                LEFT JOIN lsoa21_areas g ON g.lsoa21_code = coalesce(b.lsoa21_code, e.lsoa_code)""")
            # Pre-aggregated counts: a figure sums the cells of the smallest cube holding its keys (a few
            # thousand for the region's figures) instead of counting millions of events.
            # The cubes by LSOA are stored in order of local authority, LSOA and month, so that an area's
            # query (``_where`` names its 2021 LSOAs) reads only the stretch holding them, not every cell.
            finest, *coarser = reversed(cube_columns(source).items())
            con.execute(f"""CREATE TABLE {finest[0]}_{source} AS
                SELECT {', '.join(finest[1])}, count(*) AS events
                FROM events_{source} GROUP BY ALL ORDER BY lad_code, lsoa21_code, month""")
            for name, columns in coarser:
                order = "lad_code, lsoa21_code, month" if "lsoa21_code" in columns else "lad_code, month"
                con.execute(f"""CREATE TABLE {name}_{source} AS
                    SELECT {', '.join(columns)}, sum(events)::BIGINT AS events
                    FROM {finest[0]}_{source} GROUP BY ALL ORDER BY {order}""")
        self._con = con
        self._best_fit = best_fit_of

    def reset(self) -> None:
        with self._lock:
            self._key = None


SHARED = _SharedDatabase()
register_cache(SHARED.reset)


def _connection(query: FigureQuery) -> tuple[duckdb.DuckDBPyConnection, bool]:
    return SHARED.cursor(query.source)


def _where(query: FigureQuery) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if query.month_from:
        clauses.append("e.month >= ?")
        params.append(parse_month(query.month_from))
    if query.month_to:
        clauses.append("e.month <= ?")
        params.append(parse_month(query.month_to))
    if query.area:
        level = level_of(query.area)
        if level == "lsoa":
            # A record counts in an LSOA by its 2021 LSOA or by the (2011) LSOA it was recorded in, whose own
            # 2021 LSOA is its best fit: so every such record's 2021 LSOA is one of these, which lets the scan
            # skip the rest of the cube (the same records, found faster).
            best_fit = getattr(SHARED.local, "best_fit", None)
            if best_fit is not None:
                fits = sorted({query.area, best_fit.get(query.area, query.area)})
                clauses.append(f"e.lsoa21_code IN ({', '.join('?' for _ in fits)})")
                params += fits
            clauses.append("(e.lsoa21_code = ? OR e.lsoa_code = ?)")
            params += [query.area, query.area]
        else:
            clauses.append(f"{AREA_SQL[level]} = ?")
            params.append(query.area)
    if query.lad_codes:
        inside = f"e.lad_code IN ({', '.join('?' for _ in query.lad_codes)})"
        params += list(query.lad_codes)
        if query.no_location:
            unlocated = "e.lad_code IS NULL AND e.unplaced"
            if query.source == "police" and query.forces:
                unlocated += f" AND e.force IN ({', '.join('?' for _ in query.forces)})"
                params += list(query.forces)
            inside = f"({inside} OR ({unlocated}))"
        clauses.append(inside)
    if query.types:
        clauses.append(f"{TYPE_COLUMN[query.source]} IN ({', '.join('?' for _ in query.types)})")
        params += list(query.types)
    return " AND ".join(clauses), params


def _events(query: FigureQuery) -> str:
    """The query's source's events, as ``e`` (one row per event, geography joined)."""
    return f"events_{query.source} e"


def _cube(query: FigureQuery, by: list[str] | tuple[str, ...] = (), all_dimensions: bool = False) -> str:
    """The smallest pre-aggregated table (as ``e``) holding every column the query groups or filters by; with
    ``all_dimensions``, also every type and ED column (for SQL written against ``{cube}``)."""
    needed = {"month"} | {"age_band" if k == "age_group" else _key_sql(k, query.source).removeprefix("e.")
                          for k in by if k != "month"}
    if query.types or all_dimensions:
        needed |= set(CUBE_DIMENSIONS[query.source])
    if query.area:
        level = level_of(query.area)
        needed |= {"lsoa_code", "lsoa21_code"} if level == "lsoa" else {AREA_SQL[level].removeprefix("e.")}
    if query.lad_codes:
        needed |= {"lad_code", "unplaced"}
        if query.no_location and query.source == "police" and query.forces:
            needed.add("force")
    return next(f"{name}_{query.source} e" for name, columns in cube_columns(query.source).items()
                if needed <= set(columns))


def select(query: FigureQuery, sql: str, params: list | None = None) -> list[dict]:
    """Run ``sql`` over the query's events: ``{events}`` stands for the joined events, ``{cube}`` for their
    counts by month, type and area (count with ``sum(e.events)``; for ED also by age band, sex and location
    type), ``{where}`` for the query's filter (its parameters come first). Returns plain dict rows; no data
    loaded gives []."""
    con, has_data = _connection(query)
    try:
        if not has_data:
            return []
        where, where_params = _where(query)
        cursor = con.execute(sql.format(events=_events(query), cube=_cube(query, all_dimensions=True), where=where),
                             [*where_params, *(params or [])])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def check_types(query: FigureQuery) -> None:
    """Refuse (InputRejected, naming each) a crime or attendance type the source has never recorded: counting
    it would give an empty table that reads as "none"."""
    if not query.types:
        return
    held = {r["crime_type"] for r in counts(replace(query, types=(), month_from=None, month_to=None, area=None,
                                                   lad_codes=(), no_location=False, forces=()),
                                               ["crime_type"])}
    unknown = [t for t in query.types if t not in held]
    if unknown:
        raise InputRejected([Problem("query", f"{t!r} is not a type the {query.source} data holds; use one of "
                                     f"{', '.join(sorted(str(h) for h in held if h))}", column="type")
                             for t in unknown])


def counts(query: FigureQuery, by: list[str]) -> list[dict]:
    """Event counts grouped by ``by`` keys (month, crime_type, lsoa, msoa, ward, lad; for ED also
    age_band, sex, location_type), with rates per 1,000 residents when an area key is among them.

    Returns one dict per group: the keys, ``count``, and where they apply ``population``,
    ``rate_per_1000`` and ``rate_per_1000_aged_24_and_under``. Rows are ordered by the keys.
    """
    unknown = [k for k in by if k not in BY_KEYS]
    problems = [Problem("query", f"cannot group by {k!r}; use {', '.join(BY_KEYS)}", column="by") for k in unknown]
    problems += [Problem("query", f"{k!r} applies to ED data only", column="by")
                 for k in by if k in ED_ONLY and query.source != "ed"]
    if problems:
        raise InputRejected(problems)
    if _answers_from_every_area(query, by):
        # Summed from the region's counts by every area (kept in the shared cache) in less time than a read of
        # the shared cache takes: kept for the request and the process only.
        return figure_cache.remember("counts", (query, tuple(by)), lambda: _by_one_area_level(query, by),
                                     in_shared_cache=False)
    return figure_cache.remember("counts", (query, tuple(by)), lambda: _counts(query, by))


def _answers_from_every_area(query: FigureQuery, by: list[str]) -> bool:
    """True when ``counts(query, by)`` can be summed from the region's counts by every area level: ``by`` is one
    area level, and the query's area (if any) selects exactly the records whose area key is that area. An LSOA
    area also takes records filed under the 2011 LSOA of the same code (``_where``); those are the LSOA's own
    unless the 2011 code's best fit is another 2021 LSOA, which is left to the warehouse query."""
    if len(by) != 1 or by[0] not in AREA_KEYS:
        return False
    if query.area and level_of(query.area) == "lsoa":
        return SHARED.best_fit().get(query.area, query.area) == query.area
    return True


def _by_one_area_level(query: FigureQuery, by: list[str]) -> list[dict]:
    """``counts(query, [level])`` summed from ``every_area(query)``: the same keys, counts, populations, rates
    and order as the warehouse query (``_counts``), which the tests check area by area.

    Every area figure of every page (an area's LSOAs, its local authorities, its neighbours' ranks, the
    priority places) then reads one small table per period and type, kept in the shared cache, instead of
    a warehouse query of its own per area: the overview with random filters asks the warehouse once per period
    and type rather than four times per page."""
    level = by[0]
    rows = every_area(query)
    if query.area:
        column = AREA_KEYS.index(level_of(query.area))
        rows = [r for r in rows if r[column] == query.area]
    column = AREA_KEYS.index(level)
    totals: dict[str | None, int] = {}
    total_of = totals.get
    for row in rows:
        totals[row[column]] = total_of(row[column], 0) + row[4]
    population = _population_by_area(level).get
    unknown = (None, None)
    result = []
    # Rows by LSOA come in order already (every_area's order); other levels are sorted. DuckDB's order:
    # ascending, NULL last.
    codes = list(totals) if column == 0 else sorted(totals, key=lambda c: (c is None, c or ""))
    for code in codes:
        count = totals[code]
        everyone, young = population(code, unknown) if code is not None else unknown
        result.append({level: code, "count": count, "population": everyone,
                       "rate_per_1000": _rate(count, everyone) if everyone else None,
                       "rate_per_1000_aged_24_and_under": _rate(count, young) if young else None})
    return result


def every_area(query: FigureQuery) -> list[tuple]:
    """The query's records (its area ignored) counted by LSOA, MSOA, ward and local authority: one row per
    2021 LSOA (its parents follow from it) and one for records with none, as tuples ``(lsoa, msoa, ward, lad,
    count)``, in the warehouse's order. Kept per period and type in the process (a few thousand rows for a
    region)."""
    from insights.query.area_months import counts_by_every_area  # it sums this module's table

    whole = replace(query, area=None)
    if not figure_cache.enabled():  # nothing is kept: the table by area and month would be built every time
        return [tuple(r[k] for k in (*AREA_KEYS, "count")) for r in _counts(whole, list(AREA_KEYS))]
    # Summed from the source's counts by area, month and type (kept) in a few milliseconds: kept for the
    # request and the process, not written to the shared cache for each of the periods a visitor may choose.
    return figure_cache.remember("every area", (whole,), lambda: counts_by_every_area(whole), shared=True,
                                 in_shared_cache=False)


def counts_by_area_month_type(query: FigureQuery) -> list[tuple]:
    """The query's records counted by LSOA, MSOA, ward, local authority, month ("YYYY-MM") and type, as tuples
    ``(lsoa, msoa, ward, lad, month, crime_type, count)`` in no particular order: the table
    ``insights.query.area_months`` sums any period and types of (call it with no period or types)."""
    keys = (*AREA_KEYS, "month", "crime_type")
    con, has_data = _connection(query)
    try:
        if not has_data:
            return []
        where, params = _where(query)
        return con.execute(f"SELECT {', '.join(f'{_key_sql(k, query.source)} AS {k}' for k in keys)}, "
                           f"coalesce(sum(e.events), 0)::BIGINT AS count FROM {_cube(query, list(keys))} "
                           f"WHERE {where} GROUP BY ALL", params).fetchall()
    finally:
        con.close()


def _population_by_area(level: str) -> dict[str, tuple[float | None, float | None]]:
    """Residents (all ages, aged 24 and under) of each area of ``level``: the sums ``_population_sql`` joins,
    with SQL's rules (a sum of no known values is NULL)."""

    def compute() -> dict[str, tuple[float | None, float | None]]:
        _, lsoa21 = area_tables()
        columns = lsoa21.to_pydict()
        found: dict[str, list] = {}
        key = "lsoa21_code" if level == "lsoa" else f"{level}_code"
        for code, everyone, young in zip(columns[key], columns["population"], columns["population_aged_24_and_under"],
                                         strict=True):
            if code is None:
                continue
            sums = found.setdefault(code, [None, None])
            if everyone is not None:
                sums[0] = (sums[0] or 0.0) + everyone
            if young is not None:
                sums[1] = (sums[1] or 0.0) + young
        return {code: (a, b) for code, (a, b) in found.items()}

    return figure_cache.remember("population by area", (level,), compute, shared=True)


def _rate(count: int, population: float | None) -> float | None:
    """``round(count * 1000.0 / NULLIF(population, 0), 3)`` as DuckDB computes it: the same division of
    doubles, rounded half away from zero (``std::round``) at three places."""
    if not population:
        return None
    scaled = count * 1000.0 / population * 1000.0
    whole = math.floor(scaled)
    return (whole + 1.0 if scaled - whole >= 0.5 else whole) / 1000.0


def _counts(query: FigureQuery, by: list[str]) -> list[dict]:
    con, has_data = _connection(query)
    try:
        if not has_data:
            return []
        selects = [_key_sql(k, query.source) + f" AS {k}" for k in by]
        where, params = _where(query)
        sql = (f"SELECT {', '.join(selects + ['coalesce(sum(e.events), 0)::BIGINT AS count'])} "
               f"FROM {_cube(query, by)} WHERE {where}")
        sql += (" GROUP BY ALL ORDER BY ALL" if by else "")
        finest = next((k for k in AREA_KEYS if k in by), None)
        if finest is not None:
            sql = _with_rates(sql, by, finest)
        elif query.area:
            sql = _with_area_rate(sql, query.area)
        cursor = con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


#: The keys ``cell_counts`` answers from an area's cells (by month and type); any other grouping asks the
#: warehouse.
CELL_KEYS = ("month", "crime_type")


def cells(query: FigureQuery) -> list[tuple[str, str | None, int]] | None:
    """The query's area (or region, or everything) counted by month and type over every month held, ignoring
    the query's period and types: one small table from which every count by month and type of that area is
    summed (``cell_counts``). Kept per request and in the shared cache, so the pages of an area share it
    whatever period and type they show. None when the source holds no data."""
    whole = replace(query, month_from=None, month_to=None, types=())
    # Tuples, never changed by their callers: one copy per request (an area's cells are asked a dozen times).
    # Kept as long as the data stay the same (``lasting``): ``insights.query.warm`` works out every area's.
    return figure_cache.remember("cells", (whole,), lambda: _cells(whole), shared=True, lasting=True)


def _cells(query: FigureQuery) -> list[tuple[str, str | None, int]] | None:
    con, has_data = _connection(query)
    try:
        if not has_data:
            return None
        where, params = _where(query)
        sql = (f"SELECT {_key_sql('month', query.source)}, {_key_sql('crime_type', query.source)}, "
               f"sum(e.events)::BIGINT FROM {_cube(query, list(CELL_KEYS))} WHERE {where} GROUP BY ALL")
        return [tuple(row) for row in con.execute(sql, params).fetchall()]
    finally:
        con.close()


def cell_counts(query: FigureQuery, by: list[str]) -> list[dict]:
    """``counts(query, by)`` for ``by`` among month and crime_type, without rates: the same keys, counts and
    order (by the keys, a blank last), summed from the area's cells instead of a query of its own."""
    if not set(by) <= set(CELL_KEYS):
        raise InputRejected([Problem("query", f"cell counts group by {', '.join(CELL_KEYS)} only", column="by")])
    found = cells(query)
    if found is None:
        return []
    types = set(query.types)
    totals: dict[tuple, int] = {}
    for month, kind, count in found:
        if ((query.month_from and month < query.month_from) or (query.month_to and month > query.month_to)
                or (types and kind not in types)):
            continue
        key = tuple(month if k == "month" else kind for k in by)
        totals[key] = totals.get(key, 0) + count
    if not by:
        return [{"count": totals.get((), 0)}]
    # DuckDB's order: ascending, a blank (NULL) last.
    ordered = sorted(totals, key=lambda key: tuple((value is None, value or "") for value in key))
    return [{**dict(zip(by, key, strict=True)), "count": totals[key]} for key in ordered]


def top_areas(query: FigureQuery, level: str, limit: int) -> tuple[list[dict], int]:
    """The ``limit`` areas of ``level`` (lsoa, msoa, ward, lad) with the most events, most first (ties by
    code), each with its count and rates per 1,000 residents; and the total over all areas of that level.

    The ranking runs in the database, so only ``limit`` rows leave it however many areas there are.
    """
    if level not in AREA_KEYS:
        raise InputRejected([Problem("query", f"{level!r} is not an area level; use {', '.join(AREA_KEYS)}",
                                     column="level")])
    return figure_cache.remember("top areas", (query, level, int(limit)), lambda: _top_areas(query, level, limit))


def _top_areas(query: FigureQuery, level: str, limit: int) -> tuple[list[dict], int]:
    con, has_data = _connection(query)
    try:
        if not has_data:
            return [], 0
        where, params = _where(query)
        column = AREA_SQL[level]
        ranked = f"""SELECT {column} AS area, sum(e.events)::BIGINT AS count,
                            sum(sum(e.events)) OVER ()::BIGINT AS total
                     FROM {_cube(query, [level])} WHERE {where} AND {column} IS NOT NULL
                     GROUP BY 1 ORDER BY count DESC, area LIMIT {int(limit)}"""
        cursor = con.execute(f"""SELECT c.area AS {level}, c.count, c.total, {_rate_columns()} FROM ({ranked}) c
                                 LEFT JOIN ({_population_sql(level)}) p ON p.area_code = c.area
                                 ORDER BY c.count DESC, c.area""", params)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        total = rows[0]["total"] if rows else 0
        return [{k: v for k, v in row.items() if k != "total"} for row in rows], total
    finally:
        con.close()


def _key_sql(key: str, source: str) -> str:
    if key == "month":
        return "strftime(e.month, '%Y-%m')"
    if key == "crime_type":
        return TYPE_COLUMN[source]
    if key in AREA_SQL:
        return AREA_SQL[key]
    if key == "age_group":
        from insights.sources import YOUNG_AGE_BANDS

        young = ", ".join(f"'{band}'" for band in YOUNG_AGE_BANDS)
        return (f"CASE WHEN e.age_band IN ({young}) THEN '24 and under' WHEN e.age_band IS NULL OR "
                "e.age_band = 'unknown' THEN 'not known' ELSE '25 and over' END")
    return f"e.{key}"


def _population_sql(level: str) -> str:
    column = "lsoa21_code" if level == "lsoa" else f"{level}_code"
    return f"""SELECT {column} AS area_code, sum(population) AS population,
                      sum(population_aged_24_and_under) AS population_aged_24_and_under
               FROM lsoa21_areas GROUP BY 1"""


def _rate_columns() -> str:
    return """p.population,
        round(c.count * 1000.0 / NULLIF(p.population, 0), 3) AS rate_per_1000,
        round(c.count * 1000.0 / NULLIF(p.population_aged_24_and_under, 0), 3) AS rate_per_1000_aged_24_and_under"""


def _with_rates(sql: str, by: list[str], level: str) -> str:
    return f"""SELECT c.*, {_rate_columns()} FROM ({sql}) c
               LEFT JOIN ({_population_sql(level)}) p ON p.area_code = c.{level}
               ORDER BY {', '.join(f'c.{k}' for k in by)}"""


def _with_area_rate(sql: str, area: str) -> str:
    level = level_of(area)
    return f"""SELECT c.*, {_rate_columns()} FROM ({sql}) c
               LEFT JOIN ({_population_sql(level)}) p ON p.area_code = {sql_text(area)}"""


def monthly_trend(query: FigureQuery) -> list[dict]:
    """Counts for every month in the period (gaps as 0), the rolling 12-month total (None until 12
    months are available) and the change on the same month a year before (count and per cent)."""
    con, has_data = _connection(query)
    try:
        if not has_data:
            return []
        where, params = _where(query)
        bounds = con.execute(f"SELECT min(e.month), max(e.month) FROM {_cube(query)} WHERE {where}",
                             params).fetchall()[0]
        if bounds[0] is None:
            return []
        first = parse_month(query.month_from) if query.month_from else bounds[0]
        last = parse_month(query.month_to) if query.month_to else bounds[1]
        sql = f"""
            WITH months AS (SELECT CAST(range AS DATE) AS month FROM range(?::DATE, ?::DATE + INTERVAL 1 MONTH,
                                                                          INTERVAL 1 MONTH)),
                 counted AS (SELECT e.month, sum(e.events)::BIGINT AS count FROM {_cube(query)} WHERE {where}
                             GROUP BY 1),
                 filled AS (SELECT m.month, coalesce(c.count, 0) AS count FROM months m
                            LEFT JOIN counted c USING (month))
            SELECT strftime(month, '%Y-%m') AS month, count,
                   CASE WHEN count(*) OVER w12 = 12 THEN sum(count) OVER w12 END AS rolling_12_months,
                   count - lag(count, 12) OVER w AS change_on_previous_year,
                   round(100.0 * (count - lag(count, 12) OVER w) / NULLIF(lag(count, 12) OVER w, 0), 1)
                       AS change_on_previous_year_percent
            FROM filled
            WINDOW w AS (ORDER BY month), w12 AS (ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
            ORDER BY month"""
        cursor = con.execute(sql, [first, last, *params])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def change_on_previous_year(query: FigureQuery) -> dict:
    """The period's total against the same months one year earlier: counts, change and per cent.

    Needs ``month_from`` and ``month_to``.
    """
    if not (query.month_from and query.month_to):
        raise InputRejected([Problem("query", "give both month_from and month_to", column="month_from")])
    start, end = parse_month(query.month_from), parse_month(query.month_to)
    before = FigureQuery(query.source, f"{start.year - 1}-{start.month:02d}", f"{end.year - 1}-{end.month:02d}",
                         query.area, query.types)
    current = sum(r["count"] for r in counts(query, []))
    previous = sum(r["count"] for r in counts(before, []))
    change = current - previous
    return {"month_from": query.month_from, "month_to": query.month_to, "count": current,
            "previous_year_count": previous, "change": change,
            "change_percent": round(100.0 * change / previous, 1) if previous else None}


def event_points(query: FigureQuery, with_types: bool = False) -> tuple:
    """Longitudes and latitudes of the police.uk events the query selects (rows with a location); with
    ``with_types``, their crime types as a third array."""
    if query.source != "police":
        raise InputRejected([Problem("query", "only police.uk data has point locations; ED data is held by LSOA",
                                     column="source")])
    con, has_data = _connection(query)
    try:
        if not has_data:
            return ([], [], []) if with_types else ([], [])
        where, params = _where(query)
        # Records with an LSOA but no coordinates are counts (``vrp ingest counts``): street-level records
        # either have both or, "no location", neither. Points cannot be made up for them.
        from_counts = con.execute(f"SELECT count(*) FROM {_events(query)} WHERE {where} "
                                  "AND e.longitude IS NULL AND e.lsoa_code IS NOT NULL", params).fetchall()[0][0]
        if from_counts:
            raise InputRejected([Problem("query", f"{from_counts:,} of the records selected are counts by LSOA "
                                         "(ingested with `vrp ingest counts`): count data has no points, so a "
                                         "kernel density cannot be computed; use Gi* (--method gistar), which works "
                                         "from counts", column="method")])
        rows = con.execute(f"SELECT e.longitude, e.latitude, e.crime_type FROM {_events(query)} WHERE {where} "
                           "AND e.longitude IS NOT NULL", params).fetchnumpy()
        if with_types:
            return rows["longitude"], rows["latitude"], rows["crime_type"]
        return rows["longitude"], rows["latitude"]
    finally:
        con.close()


def left_out(query: FigureQuery) -> dict[str, int]:
    """What a region query (``lad_codes`` with ``no_location``) leaves out, and why: records of the region's own
    forces (police) placed outside its local authorities. (Records with no location are counted, as their own
    ``no location`` row.) Empty for other queries."""
    if not (query.lad_codes and query.no_location and query.source == "police" and query.forces):
        return {}
    outside = replace(query, lad_codes=(), no_location=False, forces=())
    lads = ", ".join(sql_text(c) for c in query.lad_codes)
    forces = ", ".join(sql_text(f) for f in query.forces)
    rows = select(outside, f"""SELECT coalesce(sum(e.events), 0)::BIGINT AS n FROM {{cube}} WHERE {{where}}
                                AND e.force IN ({forces}) AND NOT e.unplaced
                                AND (e.lad_code IS NULL OR e.lad_code NOT IN ({lads}))""")
    return {"placed outside the region": int(rows[0]["n"])} if rows else {}


def labelled(rows: list[dict], by: list[str]) -> list[dict]:
    """Rows with a blank area key named ``no location`` (records the source could not place), never blank."""
    keys = [k for k in by if k in AREA_KEYS]
    return [{**r, **{k: NO_LOCATION for k in keys if r.get(k) is None}} for r in rows]
