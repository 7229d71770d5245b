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
    from insights.query.access import _populations
    from insights.query.areas import local_authority_of

    populations = _populations()
    found: dict[str, dict[str, float | None]] = {}
    lsoa_scores: dict[str, dict[int, list[float]]] = {}
    for record in DeprivationRecord.objects.order_by("edition"):
        score = record.values.get("imd_score")
        if score is None:
            continue
        if LAD.match(record.area_code):
            found.setdefault(record.area_code, {})["deprivation"] = float(score)
        elif (lad := local_authority_of(record.area_code)) is not None:
            lsoa_scores.setdefault(lad, {}).setdefault(record.edition, []).append(float(score))
    # Where a local authority has no score of its own, the mean of its LSOAs' (the IMD's "average score"), of
    # the newest edition only (two editions' LSOAs averaged together would count each place twice).
    for lad, editions in lsoa_scores.items():
        scores = editions[max(editions)]
        found.setdefault(lad, {}).setdefault("deprivation", sum(scores) / len(scores))
    for boundary in Boundary.objects.filter(level="lad").only("area_code", "geometry_wkb"):
        people, young = populations.get(boundary.area_code, (None, None))
        entry = found.setdefault(boundary.area_code, {})
        if people:
            entry["density"] = people / _area_km2(shapely.from_wkb(bytes(boundary.geometry_wkb)))
            entry["youth_share"] = (young or 0) / people
    return found


def load_groups(path, source: str, actor: object = "cli") -> int:
    """Load published most-similar groups from a CSV of ``area_code, similar_area_code[, rank]`` (rank: the
    order in the file where not given). All or nothing (InputRejected naming line and column); an area's group
    is replaced whole, so loading the same file twice changes nothing. Returns the pairs held for the areas."""
    import csv
    from pathlib import Path

    from django.db import transaction

    from core import audit
    from core.problems import InputRejected, Problem
    from partners.models import SimilarArea
    from partners.services.indicators import AREA_CODE, known_areas

    name = str(path)
    try:
        with open(Path(path), encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
            header = list(rows[0]) if rows else []
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputRejected([Problem(name, f"cannot be read: {exc}")]) from None
    problems = [Problem(name, "missing column", 1, c) for c in ("area_code", "similar_area_code") if c not in header]
    if problems or not rows:
        raise InputRejected(problems or [Problem(name, "the file has no rows", 2)])
    areas = known_areas()
    groups: dict[str, list[tuple[int, str]]] = {}
    for line, row in enumerate(rows, start=2):
        codes = [(c, (row.get(c) or "").strip().upper()) for c in ("area_code", "similar_area_code")]
        for column, code in codes:
            if not AREA_CODE.match(code) or code not in areas:
                problems.append(Problem(name, f"unknown area code {code!r}", line, column))
        rank_text = (row.get("rank") or "").strip()
        if rank_text and not rank_text.isdecimal():
            problems.append(Problem(name, f"rank {rank_text!r} is not a whole number", line, "rank"))
            continue
        group = groups.setdefault(codes[0][1], [])
        group.append((int(rank_text) if rank_text else len(group) + 1, codes[1][1]))
    if problems:
        raise InputRejected(problems + [Problem("batch", "nothing was loaded")])
    with transaction.atomic():
        SimilarArea.objects.filter(area_code__in=groups).delete()
        SimilarArea.objects.bulk_create([SimilarArea(area_code=area, similar_code=code, rank=rank, source=source)
                                         for area, pairs in groups.items() for rank, code in sorted(set(pairs))])
        audit.record(actor, "load_similar_groups", object_type="partners.SimilarArea", object_id=name[:100],
                     summary=f"{len(groups)} areas' most similar groups from {source}")
    return SimilarArea.objects.filter(area_code__in=groups).count()


def comparison_areas(area: str, k: int = 5) -> tuple[list[str], str]:
    """The areas ``area`` is compared with, and on what basis: the published group where one is loaded, else the
    ``k`` nearest by the distance above."""
    from partners.models import SimilarArea

    published = list(SimilarArea.objects.filter(area_code=area).order_by("rank")[:k])
    if published:
        return [p.similar_code for p in published], f"published most similar group ({published[0].source})"
    return ([code for code, _ in most_similar(area, lad_features(), k)],
            "nearest by deprivation, population density and youth share")
