"""Priority places: where intervention should go first, by a documented, adjustable index.

For each LSOA of the area, four components, each turned into a percentile rank (0–100) among the area's
LSOAs so that they share a scale:

* ``rate`` — events per 1,000 residents in the period (the size of the problem for the people who live there);
* ``trend`` — change in count on the same period a year before, per 1,000 residents (getting worse ranks higher);
* ``deprivation`` — the IMD score (2025 edition, else the 2019 rank turned round), the strongest area-level
  predictor of violence in the Serious Violence Duty guidance's evidence base;
* ``youth`` — the share of residents aged 24 and under (the partnership's young people).

The index is the weighted mean of the percentiles; default weights rate 0.4, trend 0.2, deprivation 0.25,
youth 0.15 (they are arguments, and the page and CSV show every component so a reader can recompute it).
Percentile ranks use the mean rank for ties.
"""

from dataclasses import replace

import numpy as np

from geography.models import DeprivationRecord, PopulationRecord
from insights.query.areas import area_names, area_tables
from insights.query.figure_cache import remember
from insights.query.figures import FigureQuery, counts
from insights.query.overview import previous_year

DEFAULT_WEIGHTS = {"rate": 0.4, "trend": 0.2, "deprivation": 0.25, "youth": 0.15}


def percentile_rank(values: np.ndarray) -> np.ndarray:
    """0 for the lowest, 100 for the highest, ties sharing their mean rank; NaN stays NaN."""
    from scipy.stats import rankdata  # imported here: scipy.stats costs every process a second at start-up

    result = np.full(len(values), np.nan)
    known = ~np.isnan(values)
    if known.sum() == 1:
        result[known] = 50.0
    elif known.any():
        result[known] = (rankdata(values[known]) - 1) / (known.sum() - 1) * 100
    return result


def priority_places(query: FigureQuery, universe: list[str], weights: dict[str, float] | None = None,
                    limit: int | None = 50) -> list[dict]:
    """The area's LSOAs by priority index, highest first (``limit`` rows; None for all)."""
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
        raise ValueError("weights must be non-negative and not all zero")
    now, before = _by_lsoa(replace(query, area=None)), _by_lsoa(replace(previous_year(query), area=None))
    codes, population, depr, youth, names = residents(universe)
    rate = np.array([now.get(c, 0) * 1000 / p for c, p in zip(codes, population, strict=True)])
    trend = np.array([(now.get(c, 0) - before.get(c, 0)) * 1000 / p for c, p in zip(codes, population, strict=True)])
    depr, youth = np.array(depr, dtype=float), np.array(youth, dtype=float)
    components = {"rate": percentile_rank(rate), "trend": percentile_rank(trend),
                  "deprivation": percentile_rank(depr), "youth": percentile_rank(youth)}
    stacked = np.vstack([components[k] for k in DEFAULT_WEIGHTS])
    w = np.array([weights[k] for k in DEFAULT_WEIGHTS])[:, None]
    present = ~np.isnan(stacked)
    # A missing component (no IMD for the LSOA, say) is left out and the other weights rescaled.
    index = np.where(present, stacked, 0).__mul__(w).sum(axis=0) / np.where(present, w, 0).sum(axis=0)
    order = np.argsort(-index, kind="stable")
    rows = []
    for rank, i in enumerate(order[:limit] if limit else order, start=1):
        code = codes[i]
        rows.append({
            "rank": rank, "lsoa": code, "name": names.get(code, ""), "count": now.get(code, 0),
            "rate_per_1000": round(float(rate[i]), 2),
            "change_per_1000": round(float(trend[i]), 2),
            "deprivation_score": None if np.isnan(depr[i]) else round(float(depr[i]), 2),
            "share_aged_24_and_under": None if np.isnan(youth[i]) else round(float(youth[i]), 3),
            **{f"{k}_percentile": None if np.isnan(components[k][i]) else round(float(components[k][i]), 1)
               for k in DEFAULT_WEIGHTS},
            "priority_index": round(float(index[i]), 1)})
    return rows


def _by_lsoa(query: FigureQuery) -> dict[str, int]:
    """The region's counts by LSOA as a mapping, kept per period and type (every area's index reads them)."""
    return remember("counts by lsoa", (query,), lambda: {r["lsoa"]: r["count"] for r in counts(query, ["lsoa"])
                                                        if r["lsoa"]}, shared=True)


def residents(universe: list[str]) -> tuple[list[str], list[float], list[float], list[float], dict[str, str]]:
    """``_residents(universe)``, kept in the figure cache while the data stay the same (every profile of the
    area asks; ``insights.query.warm`` works them out before visitors do). Callers must not change it."""
    return remember("priority residents", (tuple(universe),), lambda: _residents(universe), shared=True,
                    lasting=True)


def _residents(universe: list[str]) -> tuple[list[str], list[float], list[float], list[float], dict[str, str]]:
    """What the index knows of the LSOAs of ``universe`` besides their counts, which changes only with the
    geography (kept in the shared cache): the LSOAs with residents, their population, deprivation (NaN where
    unknown), share aged 24 and under (NaN where unknown) and names."""
    _, lsoa21 = area_tables()
    population = dict(zip(lsoa21.column("lsoa21_code").to_pylist(), lsoa21.column("population").to_pylist(),
                          strict=True))
    young = dict(PopulationRecord.objects.filter(area_code__in=universe, aged_24_and_under__isnull=False)
                 .order_by("year").values_list("area_code", "aged_24_and_under"))
    deprivation = _deprivation(universe)
    codes = [c for c in universe if population.get(c)]
    return (codes, [population[c] for c in codes], [deprivation.get(c, np.nan) for c in codes],
            [young[c] / population[c] if c in young else np.nan for c in codes], area_names(codes))


def _deprivation(codes: list[str]) -> dict[str, float]:
    """Higher = more deprived: the IMD 2025 score, else the 2019 rank turned round (rank 1 is most deprived)."""
    found: dict[str, float] = {}
    for record in DeprivationRecord.objects.filter(area_code__in=codes).order_by("-edition"):
        if record.area_code in found:
            continue
        if "imd_score" in record.values:
            found[record.area_code] = float(record.values["imd_score"])
        elif "imd_rank" in record.values:
            found[record.area_code] = -float(record.values["imd_rank"])
    return found
