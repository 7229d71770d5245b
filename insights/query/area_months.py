"""Every area's counts for any period and types, summed from one kept table per source and region.

The overview's area figures (an area's LSOAs and local authorities, the ranks by rate, the priority places and
the comparison with the year before) are summed from the counts by every area level for the page's period and
types (``figures.every_area``). Those used to be one warehouse query of the whole region per period and type,
kept in the shared cache: fine for the whole years ``vrp warm`` prepares, but a visitor choosing any other
months (a few hundred periods times every type) made each overview ask the warehouse three times, about 13 ms
each (issue 15, found by a hostile load test: 23 pages a second).

Here the warehouse is asked once per source and region, for the records counted by area, month and type over
every month held: a few hundred thousand cells for a region the size of the West Midlands, kept as numpy
arrays (in the shared cache and in each process while the data stay the same). Any period and set of types is
then a mask and a sum over them (``np.bincount``), with the same rows, counts and order as the warehouse query
(``insights/tests/test_area_months.py`` compares them for random periods, types and both kinds of region).
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace

import numpy as np

from core.caches import register_cache
from insights.query import figure_cache
from insights.query.figures import FigureQuery, counts_by_area_month_type, parse_month


@dataclass(frozen=True)
class AreaMonths:
    """Records counted by area, month and type: one entry per cell holding records.

    ``areas`` are the (lsoa, msoa, ward, lad) rows in the warehouse's order (ascending, no area last);
    ``months`` ("YYYY-MM") ascending (a cell with no month has index -1); ``types`` as the source names them.
    Each cell is ``area_index``, ``month_index`` and ``type_index`` into those, and its ``events``, the cells in
    order of month.
    """

    areas: tuple[tuple[str | None, ...], ...]
    months: tuple[str, ...]
    types: tuple[str | None, ...]
    area_index: np.ndarray
    month_index: np.ndarray
    type_index: np.ndarray
    events: np.ndarray


def region_shape(query: FigureQuery) -> FigureQuery:
    """What of ``query`` the kept table is for: its source and which records count as the region's (its local
    authorities, and records with no location from its own providers); not its area, period or types."""
    # No location and forces matter only for a region's records (``figures._where``): the same records are
    # one kept table, however a page's query carries them.
    located = bool(query.no_location and query.lad_codes)
    return replace(query, area=None, month_from=None, month_to=None, types=(), no_location=located,
                   forces=query.forces if located and query.source == "police" else ())


#: Tables kept per process: a source's region and every record, for police and ED, and a few states of the
#: data while a change lands.
TABLES_KEPT = 8
#: The tables each process keeps (counted, not weighed): their own slot, as each is megabytes (more than the
#: figure cache keeps of one result in a process) and every area figure sums one.
_TABLES = figure_cache.Kept(TABLES_KEPT, largest=1)


@register_cache
def forget_tables() -> None:
    """Empty this process's tables (tests; another process's view)."""
    _TABLES.clear()


def area_months(query: FigureQuery) -> AreaMonths:
    """The kept table for ``query``'s source and region: computed once while the data stay the same (by
    ``vrp warm`` or the first page to ask), kept in the shared cache and in each process."""
    shape = region_shape(query)
    if not figure_cache.enabled():
        return _area_months(shape)
    key = figure_cache.cache_key("area months", (shape,))
    found = _TABLES.get(key)
    if found is None:
        found = figure_cache.remember("area months", (shape,), lambda: _area_months(shape), shared=True,
                                      lasting=True)
        _TABLES.put(key, found, 1)
    return found


def _order(values: tuple) -> tuple:
    """DuckDB's ``ORDER BY ALL``: ascending, NULL last, column by column."""
    return tuple((value is None, value or "") for value in values)


def _area_months(shape: FigureQuery) -> AreaMonths:
    rows = counts_by_area_month_type(shape)
    areas = sorted({row[:4] for row in rows}, key=_order)
    months = sorted({row[4] for row in rows} - {None})
    types = sorted({row[5] for row in rows}, key=lambda t: (t is None, t or ""))
    where_area = {area: i for i, area in enumerate(areas)}
    where_month = {month: i for i, month in enumerate(months)}
    where_month[None] = -1  # a record with no month counts only when no period is asked (as in SQL)
    where_type = {kind: i for i, kind in enumerate(types)}
    month_index = np.fromiter((where_month[row[4]] for row in rows), dtype=np.int16, count=len(rows))
    # In order of month, so that a period is one stretch of the cells (found by a binary search).
    order = np.argsort(month_index, kind="stable")
    return AreaMonths(
        areas=tuple(areas), months=tuple(months), types=tuple(types),
        area_index=np.fromiter((where_area[row[:4]] for row in rows), dtype=np.int32, count=len(rows))[order],
        month_index=month_index[order],
        type_index=np.fromiter((where_type[row[5]] for row in rows), dtype=np.int16, count=len(rows))[order],
        events=np.fromiter((row[6] for row in rows), dtype=np.int32, count=len(rows))[order])


def counts_by_every_area(query: FigureQuery) -> list[tuple]:
    """``query``'s records (its area ignored) counted by LSOA, MSOA, ward and local authority, as tuples
    ``(lsoa, msoa, ward, lad, count)``: the rows, counts and order of the warehouse's ``GROUP BY ALL ORDER BY
    ALL`` over the same records (an area appears when any record of the period and types is in it)."""
    kept = area_months(query)
    cells = slice(None)
    if query.month_from or query.month_to:
        first = bisect_left(kept.months, parse_month(query.month_from).strftime("%Y-%m")) if query.month_from else 0
        last = (bisect_right(kept.months, parse_month(query.month_to).strftime("%Y-%m")) if query.month_to
                else len(kept.months))
        # Bounds of the array's own type: other types would have numpy convert the whole array first.
        cells = slice(*np.searchsorted(kept.month_index, np.array([first, last], dtype=kept.month_index.dtype)))
    areas, events = kept.area_index[cells], kept.events[cells]
    if query.types:
        wanted = set(query.types)
        asked = np.zeros(len(kept.types), dtype=bool)
        asked[[i for i, kind in enumerate(kept.types) if kind in wanted]] = True
        chosen = asked[kept.type_index[cells]]
        areas, events = areas[chosen], events[chosen]
    present = np.bincount(areas, minlength=len(kept.areas))
    totals = np.bincount(areas, weights=events, minlength=len(kept.areas))
    found = np.flatnonzero(present)
    # Plain ints (tolist) rather than numpy scalars: a page builds a few thousand of these rows.
    return [(*kept.areas[i], total) for i, total in zip(found.tolist(), totals[found].astype(np.int64).tolist(),
                                                          strict=True)]
