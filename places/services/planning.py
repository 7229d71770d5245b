"""Route planning: which secondary schools have the most violence near them, so new Step Together routes go
where the data says (seed: routes planned "from the beginning by robust data").

Pupils' home LSOAs are not in GIAS, so walking corridors cannot be drawn: a radius around the school stands in
for them. With count data (police.uk counts have no points) the honest ranking is by the count in the
school's own LSOA, labelled so.
"""

from dataclasses import dataclass, replace

from django.db.models import Count
from shapely.geometry import Point

from insights.query.figures import FigureQuery
from places.models import School
from places.services.nearby import by_lsoa, events_near_geometry, points_missing

#: The crime types a route is planned against.
ROUTE_TYPES = ("Violence and sexual offences", "Robbery", "Possession of weapons")
SECONDARY_PHASES = ("Secondary", "All-through", "Middle deemed secondary")
NEARBY = "violence_robbery_weapons_nearby"
IN_SCHOOL_LSOA = "violence_robbery_weapons_in_school_lsoa"


@dataclass(frozen=True)
class RoutePlanning:
    """Schools ranked for routes: ``rows`` (most first), the ``measure`` they are ranked by, and a ``note``
    saying why the measure is not the radius where points are missing."""

    rows: list[dict]
    measure: str
    note: str


def rank_schools_for_routes(query: FigureQuery, radius_m: int, local_authority: str = "") -> RoutePlanning:
    """Secondary schools (optionally of one local authority, by name) ranked by police-recorded violence,
    robbery and weapons within ``radius_m`` metres over ``query``'s period, each with whether it has a route.

    Every school with coordinates is ranked (no silent cap); ties are broken by name.
    """
    query = replace(query, types=ROUTE_TYPES, lad_codes=())
    schools = (School.objects.exclude(latitude=None).filter(phase__in=SECONDARY_PHASES)
               .annotate(route_count=Count("routes")))
    if local_authority:
        schools = schools.filter(la_name__iexact=local_authority)
    measure, note, rows = NEARBY, "", []
    if not query.month_from:
        return RoutePlanning(rows, measure, note)
    missing = points_missing(query)
    in_lsoa = by_lsoa(query) if missing else {}
    if missing:
        measure = IN_SCHOOL_LSOA
        note = (f"Crime within {radius_m} m cannot be counted: {missing}. Schools are ranked instead by the "
                "count in the school's own LSOA; schools with no LSOA in GIAS are left out.")
    for school in schools:
        if missing and not school.lsoa_code:
            continue
        count = in_lsoa.get(school.lsoa_code, 0) if missing else len(events_near_geometry(
            query, Point(school.longitude, school.latitude), radius_m, check_points=False))
        rows.append({"urn": school.urn, "name": school.name, "la": school.la_name, "pupils": school.pupils,
                     "lsoa": school.lsoa_code, measure: count, "has_route": school.route_count > 0})
    rows.sort(key=lambda r: (-r[measure], r["name"]))
    return RoutePlanning(rows, measure, note)
