"""Areas that share a boundary with an area (queen contiguity on the imported boundaries)."""

import shapely

from geography.codes import level_of
from geography.models import Boundary
from insights.query.figure_cache import remember


def kept_neighbours_of(code: str) -> list[str]:
    """``neighbours_of(code)``, kept in the figure cache for as long as the data stay the same (every profile of
    the area asks; ``insights.query.warm`` works them out before visitors do). Callers must not change it."""
    return remember("neighbours", (code,), lambda: neighbours_of(code), shared=True, lasting=True)


def neighbours_of(code: str) -> list[str]:
    """Codes of the areas of the same level whose boundaries touch ``code``'s (vertex or edge)."""
    own = Boundary.objects.filter(area_code=code).first()
    if own is None:
        return []
    geometry = shapely.from_wkb(bytes(own.geometry_wkb))
    # A bounding-box prefilter in the database, then an exact test.
    near = Boundary.objects.filter(level=own.level, min_lon__lte=own.max_lon + 1e-6, max_lon__gte=own.min_lon - 1e-6,
                                   min_lat__lte=own.max_lat + 1e-6, max_lat__gte=own.min_lat - 1e-6).exclude(
        area_code=code).values_list("area_code", "geometry_wkb")
    level = level_of(code)
    return sorted(c for c, wkb in near if level_of(c) == level
                  and shapely.intersects(geometry, shapely.from_wkb(bytes(wkb))))
