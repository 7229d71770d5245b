"""Point-in-polygon: which LSOA a coordinate falls in, against the imported LSOA boundaries.

LSOA 2021 boundaries are used when loaded (the current geography), else whatever LSOA boundaries exist.
The spatial index is built once per geography version (shapely's STRtree, Sort-Tile-Recursive:
Leutenegger, Lopez & Edgington 1997) and queried for all points at once.
"""

from functools import lru_cache

import numpy as np
import shapely

from core.caches import register_cache
from geography.models import Area, Boundary
from geography.services.manifest import geography_version


@register_cache
@lru_cache(maxsize=2)
def _lsoa_index(version: int) -> tuple[shapely.STRtree, np.ndarray] | None:
    rows = list(Boundary.objects.filter(level="lsoa").values_list("area_code", "geometry_wkb"))
    vintages = dict(Area.objects.filter(level="lsoa").values_list("code", "vintage"))
    if any(vintages.get(code) == "2021" for code, _ in rows):
        rows = [row for row in rows if vintages.get(row[0]) == "2021"]
    if not rows:
        return None
    codes = np.array([c for c, _ in rows], dtype=object)
    geometries = shapely.from_wkb([bytes(w) for _, w in rows])
    return shapely.STRtree(geometries), codes


def lsoa_for_points(longitudes: list[float], latitudes: list[float]) -> list[str | None] | None:
    """The LSOA code each (longitude, latitude) falls in, None where it falls in none.

    Returns None when no LSOA boundaries are loaded at all.
    """
    index = _lsoa_index(geography_version())
    if index is None:
        return None
    tree, codes = index
    points = shapely.points(np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))
    found: list[str | None] = [None] * len(points)
    point_idx, poly_idx = tree.query(points, predicate="intersects")
    for p, g in zip(point_idx, poly_idx, strict=True):
        if found[p] is None:
            found[p] = codes[g]
    return found
