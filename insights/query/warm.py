"""Warm the figure cache after the data change, before visitors ask.

Every area figure of the overview (an area's LSOAs and local authorities, the ranks by rate, the priority places)
is summed from the counts by every area level for the page's period and types (``figures.every_area``), and
those from one table per source and region: its records counted by area, month and type over every month held
(``insights.query.area_months``; one warehouse query, about a second for the West Midlands' police data).
``warm_figures`` computes that table for each source, for the region's records (a page without an area) and
for every record (a page with an area asks for its area's records, whatever the region), and keeps it in the
shared cache (``remember(..., lasting=True)``: its key names the state of the data, so it is kept until that
changes). ``vrp worker`` runs it whenever the data have changed; ``vrp warm`` runs it by hand.

``warm_areas`` then works out what each area's profile asks for besides: the area's counts by month and type
(``figures.cells``, one warehouse query an area), its neighbours (a boundary test) and what the priority index
knows of its LSOAs, for every local authority, ward, MSOA and LSOA of the region. A random area's first visitor
would otherwise pay for them (about 15 ms).

``warm_process`` does the same for a web process's own state when it starts (``vrp/wsgi.py``): its in-memory
query database (the warehouse's events and counts with the geography joined in, about a second and a half for
a region the size of the West Midlands), which the first visitor to ask for a figure would otherwise wait for.
"""

import logging
from dataclasses import replace

from core import request_memo
from core.region import current_region
from insights.hotspots.query import lsoas_in
from insights.query import figure_cache, figures
from insights.query.area_months import area_months, region_shape
from insights.query.areas import PARENT_LEVELS, area_tables
from insights.query.catalogue import default_query
from insights.query.figures import FigureQuery
from insights.query.neighbours import kept_neighbours_of
from insights.query.priority import residents

#: The sources whose figures the overview shows.
SOURCES = ("police", "ed")


def region_shapes(source: str) -> list[FigureQuery]:
    """The queries whose counts by area, month and type the pages of ``source`` sum (``area_months``): the
    region's records (with and without those that have no location) and every record; none when the source
    holds no data."""
    default = default_query(source)
    if not default.month_from:
        return []
    # The region's records with and without those that have no location (the strategy's spend figures ask
    # for the latter), and every record.
    return [region_shape(default), region_shape(replace(default, no_location=False)),
            region_shape(replace(default, lad_codes=(), no_location=False))]


def warm_figures(sources: tuple[str, ...] = SOURCES) -> int:
    """Compute and keep the counts by area, month and type of every query of ``region_shapes``; returns how many
    (0 when the figure cache is switched off: nothing could be kept)."""
    if not figure_cache.enabled():
        return 0
    computed = 0
    for source in sources:
        for shape in region_shapes(source):
            area_months(shape)
            computed += 1
    return computed


def region_areas() -> list[str]:
    """Every area of the region a profile can be drawn for: its local authorities and the wards, MSOAs and 2021
    LSOAs in them (from the loaded geography), biggest first."""
    lads = set(current_region().lad_codes)
    columns = area_tables()[1].to_pydict()
    found: dict[str, set[str]] = {level: set() for level in ("lad", "ward", "msoa", "lsoa21")}
    for i, lad in enumerate(columns["lad_code"]):
        if lad in lads:
            for level in ("lsoa21", *PARENT_LEVELS):
                code = columns[f"{level}_code"][i]
                if code:
                    found[level].add(code)
    return [code for level in ("lad", "ward", "msoa", "lsoa21") for code in sorted(found[level])]


#: Areas warmed per transaction of the shared cache.
AREAS_PER_WRITE = 200


def warm_areas(sources: tuple[str, ...] = SOURCES) -> int:
    """Compute and keep each area's cells (per source with data), neighbours and priority residents for every
    area of ``region_areas``; returns how many areas (0 with the figure cache switched off)."""
    if not figure_cache.enabled():
        return 0
    defaults = [q for q in (default_query(s) for s in sources) if q.month_from]
    codes = region_areas()
    with request_memo.reading():
        for default in defaults:
            figures.cells(default)  # the region's own (its totals beside every area's figures)
    for start in range(0, len(codes), AREAS_PER_WRITE):
        with request_memo.reading():  # the results of each stretch written in one transaction
            for code in codes[start:start + AREAS_PER_WRITE]:
                for default in defaults:
                    figures.cells(replace(default, area=code, types=(), lad_codes=(), no_location=False))
                kept_neighbours_of(code)
                residents(lsoas_in(code))
    return len(codes)


def warm_if_changed(warmed: tuple | None) -> tuple | None:
    """``warm_figures`` when the state of the data differs from ``warmed`` (the state last warmed; None at
    start); returns the state now warmed. A failure is logged and tried again at the next change, never
    raised: the pages compute what is missing themselves."""
    try:
        state = figure_cache.data_state()
        if state != warmed:
            warm_figures()
            warm_areas()
        return state
    except Exception:
        logging.getLogger(__name__).exception("warming the figure cache failed")
        return warmed


def warm_process() -> None:
    """Build this process's query database for every source with data, before the first request needs it. A
    failure (no tables yet, no data) is logged, never raised: the first request then builds it as before."""
    try:
        # The priority index ranks with scipy.stats, whose import takes a second: paid here, at start, rather
        # than by the first visitor of each web process (commands, which never rank, do not import it).
        import scipy.stats  # noqa: F401

        for source in SOURCES:
            cursor, _ = figures.SHARED.cursor(source)
            cursor.close()
    except Exception:
        logging.getLogger(__name__).warning("the query database was not built at start", exc_info=True)
