"""The overview's figures by name: what each shows and the function that computes it.

Pages, CSV/JSON downloads, the JSON API and its OpenAPI document are all built from this one list.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from core.access import role_of
from core.region import current_region
from core.roles import Role
from insights.services import overview, priority, public
from insights.services.areas import local_authority_of
from insights.services.figures import FigureQuery
from insights.services.hotspots import lsoas_in
from insights.services.manifest import warehouse_summary


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    description: str
    compute: Callable[[FigureQuery], list[dict]]


FIGURES: dict[str, Figure] = {f.name: f for f in [
    Figure("comparison", "Compared with neighbours and the region",
           "The area beside the areas that border it and the region, with its rank by rate.", overview.comparison),
    Figure("headline", "Headline figures", "Counts for the period with the same period a year before.",
           overview.headline_figures),
    Figure("trend", "Monthly trend", "Count per month and the rolling 12-month total.", overview.trend),
    Figure("types", "By type", "Counts by crime type (police) or means of assault (ED).", overview.by_type),
    Figure("local_authorities", "By local authority", "Counts and rates per 1,000 residents.",
           overview.by_local_authority),
    Figure("places", "Places most affected", "The 20 LSOAs with the most, with share and IMD decile.",
           overview.places_most_affected),
    Figure("concentration", "Concentration", "Share of the total in the top 1%, 5%, 10%, 20%, 50% of LSOAs.",
           lambda q: overview.concentration(q, lsoas_in(q.area) if q.area else _region_lsoas())),
    Figure("seasonality", "Seasonality", "Average count in each calendar month.", overview.seasonality),
    Figure("day_and_hour", "Day of week and hour (ED)", "ED assault attendances by day and hour.",
           overview.day_and_hour),
    Figure("priority", "Priority places",
           "LSOAs ranked by an index of rate, trend, deprivation and youth population (weights 0.4, 0.2, 0.25, "
           "0.15); every component is shown.",
           lambda q: priority.priority_places(q, lsoas_in(q.area) if q.area else _region_lsoas(), limit=30)),
]}


def _region_lsoas() -> list[str]:
    return lsoas_in(None)


def default_query(source: str = "police", for_public: bool = False) -> FigureQuery:
    """The configured region over the latest 12 months the source has data for; for the public, over the
    latest calendar year (``public.public_year``), the only periods published to the public."""
    summary = next((r for r in warehouse_summary() if r["source"] == source), None)
    last = summary["last_month"] if summary else None
    region = current_region()
    if last is None:
        return FigureQuery(source, lad_codes=tuple(region.lad_codes))
    if for_public:
        year = public.public_year(summary["first_month"], last)
        return FigureQuery(source, f"{year}-01", f"{year}-12", lad_codes=tuple(region.lad_codes))
    year, month = int(last[:4]), int(last[5:])
    first_year, first_month = (year, month + 1) if month < 12 else (year + 1, 1)
    return FigureQuery(source, f"{first_year - 1}-{first_month:02d}", last, lad_codes=tuple(region.lad_codes))


def sees_unsuppressed(user: object, query: FigureQuery) -> bool:
    """Analysts, commissioners, coordinators and administrators see unsuppressed figures; a partner only for
    an area of its organisation or an area within one (an LSOA, MSOA or ward of its local authority); the
    public and providers see disclosure-controlled figures."""
    role = role_of(user)
    if role in (Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR):
        return True
    if role == Role.PARTNER:
        areas = set(getattr(user, "area_codes", []))
        return query.area is not None and (query.area in areas or local_authority_of(query.area) in areas)
    return False


def figure_rows(name: str, query: FigureQuery, unsuppressed: bool) -> list[dict]:
    """The rows of a figure for this viewer (raises public.NotPublic where the public may not see it)."""
    figure = FIGURES[name]
    if not (query.month_from and query.month_to):
        return []  # no data loaded for the source, so no period to show
    if name == "day_and_hour":
        query = replace(query, source="ed", types=())
    rows = figure.compute(query)
    return rows if unsuppressed else public.publish(name, query, rows)
