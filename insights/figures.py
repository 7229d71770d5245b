"""The insights figure family: the region overview and area profile, the map layers and the hot spots.

Each figure is computed from a ``FigureQuery`` (source, period, area, types) and a ``FigureAccess`` (the
warehouse in full, or the public release for a controlled source). Their disclosure class is their source's
(``SOURCE``): police.uk figures are open data, published in full; ED figures are controlled.
"""

from dataclasses import replace

from core.figures import SOURCE, Column, Figure, register
from insights import charts
from insights.hotspots.query import lsoas_in
from insights.query import overview, priority
from insights.query.access import FigureAccess
from insights.query.figures import FigureQuery

COUNT = "count"
PER_1000 = "per 1,000 residents"
PER_1000_YOUNG = "per 1,000 residents aged 24 and under"
PERCENT = "%"


def _with_period(compute):
    """No period (no data loaded for the source yet) gives no rows, not an error."""

    def wrapped(params, access: FigureAccess) -> list[dict]:
        query = params[0] if isinstance(params, tuple) else params
        if not (query.month_from and query.month_to):
            return []
        return compute(params, access)

    wrapped.__doc__ = compute.__doc__
    return wrapped


def _universe(query: FigureQuery) -> list[str]:
    return lsoas_in(query.area) if query.area else lsoas_in(None)


def _priority(query: FigureQuery, access: FigureAccess) -> list[dict]:
    access.require_full(query, "LSOA figures")
    return priority.priority_places(query, _universe(query), limit=30)


def _concentration(query: FigureQuery, access: FigureAccess) -> list[dict]:
    return overview.concentration(query, access, _universe(query))


def _day_and_hour(query: FigureQuery, access: FigureAccess) -> list[dict]:
    return overview.day_and_hour(replace(query, source="ed", types=()), access)


def _chart(name: str):
    return lambda rows: charts.figure_chart(name, rows)


#: The overview's figures, in the order the page shows them.
OVERVIEW = [
    register(Figure("comparison", "insights", "Compared with neighbours and the region",
                    "The area beside the areas that border it and the region, with its rank by rate.",
                    (Column("area", "Area code"), Column("name", "Area"), Column("relation", "Relation"),
                     Column("count", "Count", COUNT), Column("rate_per_1000", "Rate", PER_1000),
                     Column("rank_by_rate", "Rank by rate (1 = highest)"), Column("of", "Areas ranked")),
                    overview.comparison, disclosure=SOURCE)),
    register(Figure("headline", "insights", "Headline figures",
                    "Counts for the period with the same period a year before.",
                    (Column("measure", "Measure key"), Column("label", "Measure"), Column("source", "Source"),
                     Column("count", "Count", COUNT), Column("previous_year_count", "A year before", COUNT),
                     Column("change", "Change", COUNT), Column("change_percent", "Change", PERCENT)),
                    overview.headline_figures, disclosure=SOURCE)),
    register(Figure("trend", "insights", "Monthly trend", "Count per month and the rolling 12-month total.",
                    (Column("month", "Month"), Column("count", "Count", COUNT),
                     Column("rolling_12_months", "Rolling 12-month total", COUNT),
                     Column("change_on_previous_year", "Change on a year before", COUNT),
                     Column("change_on_previous_year_percent", "Change on a year before", PERCENT)),
                    overview.trend, _chart("trend"), SOURCE)),
    register(Figure("types", "insights", "By type", "Counts by crime type (police) or means of assault (ED).",
                    (Column("type", "Type"), Column("count", "Count", COUNT), Column("share_percent", "Share",
                                                                                      PERCENT)),
                    overview.by_type, _chart("types"), SOURCE)),
    register(Figure("local_authorities", "insights", "By local authority",
                    "Counts and rates per 1,000 residents; records with no location are a row of their own.",
                    (Column("lad", "Local authority code"), Column("name", "Local authority"),
                     Column("count", "Count", COUNT), Column("population", "Residents", "people"),
                     Column("rate_per_1000", "Rate", PER_1000),
                     Column("rate_per_1000_aged_24_and_under", "Rate", PER_1000_YOUNG)),
                    overview.by_local_authority, _chart("local_authorities"), SOURCE)),
    register(Figure("places", "insights", "Places most affected",
                    "The 20 LSOAs with the most, with share and IMD decile.",
                    (Column("rank", "Rank"), Column("lsoa", "LSOA code"), Column("name", "LSOA"),
                     Column("count", "Count", COUNT), Column("share_percent", "Share of the total", PERCENT),
                     Column("rate_per_1000", "Rate", PER_1000), Column("imd_decile", "IMD decile (1 = most deprived)")),
                    overview.places_most_affected, _chart("places"), SOURCE)),
    register(Figure("concentration", "insights", "Concentration",
                    "Share of the total in the top 1%, 5%, 10%, 20%, 50% of LSOAs.",
                    (Column("top_percent_of_lsoas", "Top LSOAs", PERCENT), Column("lsoas", "LSOAs", "areas"),
                     Column("count", "Count", COUNT), Column("share_percent", "Share of the total", PERCENT)),
                    _concentration, disclosure=SOURCE)),
    register(Figure("seasonality", "insights", "Seasonality",
                    "Average count in each calendar month; months that look incomplete are left out.",
                    (Column("month_of_year", "Month number"), Column("name", "Month"), Column("count", "Count", COUNT),
                     Column("months", "Months with data", "months"),
                     Column("months_left_out", "Months left out (incomplete)", "months"),
                     Column("average", "Average a month", COUNT)),
                    overview.seasonality, _chart("seasonality"), SOURCE)),
    register(Figure("day_and_hour", "insights", "Day of week and hour (ED)", "ED assault attendances by day and hour.",
                    (Column("day", "Day"), Column("day_number", "Day number (Monday = 1)"), Column("hour", "Hour"),
                     Column("count", "Count", COUNT)),
                    _day_and_hour, _chart("day_and_hour"), SOURCE)),
    register(Figure("priority", "insights", "Priority places",
                    "LSOAs ranked by an index of rate, trend, deprivation and youth population (weights 0.4, 0.2, "
                    "0.25, 0.15); every component is shown.",
                    (Column("rank", "Rank"), Column("lsoa", "LSOA code"), Column("name", "LSOA"),
                     Column("count", "Count", COUNT), Column("rate_per_1000", "Rate", PER_1000),
                     Column("change_per_1000", "Change on a year before", PER_1000),
                     Column("deprivation_score", "Deprivation (IMD score; higher = more deprived)"),
                     Column("share_aged_24_and_under", "Share aged 24 and under", "fraction"),
                     Column("rate_percentile", "Rate percentile"), Column("trend_percentile", "Trend percentile"),
                     Column("deprivation_percentile", "Deprivation percentile"),
                     Column("youth_percentile", "Youth percentile"), Column("priority_index", "Priority index")),
                    _priority, disclosure=SOURCE)),
]


def _map(level: str):
    def compute(query: FigureQuery, access: FigureAccess) -> list[dict]:
        from insights.query.maps import choropleth_rows

        return choropleth_rows(query, level, access)

    return compute


MAP_COLUMNS = (Column("code", "Area code"), Column("name", "Area"), Column("count", "Count", COUNT),
               Column("rate_per_1000", "Rate", PER_1000))
MAPS = {level: register(Figure(f"map_{level}", "insights-maps", f"Rates per 1,000 residents by {label}",
                               f"The choropleth layer of {label}s: count and rate for the filters.",
                               MAP_COLUMNS, _map(level), disclosure=SOURCE))
        for level, label in (("lad", "local authority"), ("lsoa", "LSOA"))}


def _hotspots(params: tuple[FigureQuery, str], access: FigureAccess) -> list[dict]:
    """``params``: the query and the harm weights (``none``, ``css``, ``chi``)."""
    from insights.hotspots.query import gistar_hotspots, with_geometry
    from insights.query.pickers import area_names

    query, weights = params
    access.require_full(query, "Hot spots (by LSOA)")
    rows = with_geometry(gistar_hotspots(query, weights=weights))
    names = area_names([r["lsoa"] for r in rows])
    return [{**r, "name": names.get(r["lsoa"], "")} for r in rows]


HOTSPOTS = register(Figure(
    "hotspots", "insights-hotspots", "Hot spots (Getis-Ord Gi*)",
    "Gi* of the rate per 1,000 residents by LSOA, with the Benjamini–Hochberg adjusted p-value and its class.",
    (Column("lsoa", "LSOA code"), Column("name", "LSOA"), Column("count", "Count", COUNT),
     Column("value", "Rate", PER_1000), Column("z", "Gi* z-score"), Column("p", "p-value"),
     Column("p_fdr", "Adjusted p-value (FDR)"), Column("class", "Class")),
    _hotspots, disclosure=SOURCE))


# Every figure of the family needs a period: none (no data loaded yet) gives no rows.
OVERVIEW = [register(replace(f, compute=_with_period(f.compute))) for f in OVERVIEW]
MAPS = {level: register(replace(f, compute=_with_period(f.compute))) for level, f in MAPS.items()}
HOTSPOTS = register(replace(HOTSPOTS, compute=_with_period(HOTSPOTS.compute)))
