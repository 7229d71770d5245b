"""The most similar local authorities to an area: the comparison areas of the success measures.

The distance is Euclidean over three standardised features of each local authority (each feature's z-score
across every local authority with all three known, so no feature outweighs another by its units):

1. **deprivation**: the IMD average score of the local authority (its LTLA deprivation record's score, the
   higher the more deprived);
2. **population density**: residents per square kilometre (residents from the loaded population, area from the
   loaded boundary, on a spherical approximation of the Earth good to well under 1% at England's latitudes);
3. **youth share**: the share of residents aged 24 and under.

This follows the approach of CIPFA's and the Home Office's "most similar groups" (distance on standardised
socio-demographic features), with the three features the Home Office success measures turn on. Published most
similar groups, where an analyst loads them, can be given as ``groups`` instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

FEATURES = ("deprivation", "density", "youth_share")
LAD = re.compile(r"^E0[6-9]\d{6}$")


def most_similar(target: str, features: Mapping[str, Mapping[str, float | None]], k: int = 5
                 ) -> list[tuple[str, float]]:
    """The ``k`` areas nearest ``target``: (code, distance), nearest first (ties by code).

    ``features``: area code → {deprivation, density, youth_share}. Areas missing a feature are left out; the
    target must have all three (else []).
    """
    complete = {code: f for code, f in features.items()
                if all(f.get(name) is not None and math.isfinite(f[name]) for name in FEATURES)}
    if target not in complete or len(complete) < 2:
        return []
    scale = {}
    for name in FEATURES:
        values = [f[name] for f in complete.values()]
        mean = sum(values) / len(values)
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) or 1.0
        scale[name] = (mean, sd)
    z = {code: [(f[name] - scale[name][0]) / scale[name][1] for name in FEATURES] for code, f in complete.items()}
    distances = [(code, math.dist(z[target], vector)) for code, vector in z.items() if code != target]
    return sorted(distances, key=lambda item: (item[1], item[0]))[:k]


def _area_km2(geometry) -> float:
    """Area of a WGS84 polygon in km², by projecting onto a sphere at the polygon's latitude."""
    from shapely import affinity

    centre = geometry.centroid
    kx = 111.32 * math.cos(math.radians(centre.y))
    return affinity.scale(geometry, xfact=kx, yfact=110.57, origin=centre).area


def lad_features() -> dict[str, dict[str, float | None]]:
    """The three features of every local authority the loaded geography gives them for."""
    import shapely

    from geography.models import Boundary, DeprivationRecord
    from insights.services.access import _populations
    from insights.services.areas import local_authority_of

    populations = _populations()
    found: dict[str, dict[str, float | None]] = {}
    lsoa_scores: dict[str, list[float]] = {}
    for record in DeprivationRecord.objects.order_by("edition"):
        keys = sorted((k for k in record.values if "score" in k.lower() and "rank" not in k.lower()), key=len)
        if not keys or record.values[keys[0]] is None:
            continue
        if LAD.match(record.area_code):
            found.setdefault(record.area_code, {})["deprivation"] = float(record.values[keys[0]])
        elif (lad := local_authority_of(record.area_code)) is not None:
            lsoa_scores.setdefault(lad, []).append(float(record.values[keys[0]]))
    # Where a local authority has no score of its own, the mean of its LSOAs' (the IMD's "average score").
    for lad, scores in lsoa_scores.items():
        found.setdefault(lad, {}).setdefault("deprivation", sum(scores) / len(scores))
    for boundary in Boundary.objects.filter(level="lad").only("area_code", "geometry_wkb"):
        people, young = populations.get(boundary.area_code, (None, None))
        entry = found.setdefault(boundary.area_code, {})
        if people:
            entry["density"] = people / _area_km2(shapely.from_wkb(bytes(boundary.geometry_wkb)))
            entry["youth_share"] = (young or 0) / people
    return found
