"""Comparison places matched to the treated places on what predicts their path: pre-period trend,
deprivation and population.

Each treated place takes its nearest untreated candidates by Mahalanobis distance over the standardised
covariates (Rubin 1980, "Bias reduction using Mahalanobis-metric matching", Biometrics 36(2); Stuart 2010,
"Matching methods for causal inference: a review and a look forward", Statistical Science 25(1)), greedily
and without replacement, treated places taken in the order given. Balance is reported as the standardised
mean difference of each covariate (treated mean minus comparison mean, over the pooled standard deviation);
Stuart (2010) suggests |SMD| below 0.25.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Match:
    treated: str
    comparison: str
    distance: float


def mahalanobis_matches(treated: dict[str, np.ndarray], candidates: dict[str, np.ndarray],
                        per_treated: int = 3) -> list[Match]:
    """Up to ``per_treated`` nearest candidates for each treated place, each candidate used once.

    ``treated`` and ``candidates`` map a place code to its covariate vector (the same covariates in the same
    order). The covariance is that of all places together; a covariate that does not vary is left out.
    """
    if not treated or not candidates:
        return []
    everything = np.array([*treated.values(), *candidates.values()], dtype=float)
    varying = everything.std(axis=0) > 0
    if not varying.any():
        inverse = np.zeros((0, 0))
    else:
        covariance = np.atleast_2d(np.cov(everything[:, varying], rowvar=False))
        inverse = np.linalg.pinv(covariance)
    names = list(candidates)
    pool = np.array([candidates[n] for n in names], dtype=float)[:, varying]
    free = np.ones(len(names), dtype=bool)
    matches = []
    for code, values in treated.items():
        difference = pool - np.asarray(values, dtype=float)[varying]
        distances = np.sqrt(np.einsum("ij,jk,ik->i", difference, inverse, difference).clip(min=0))
        for index in [i for i in np.lexsort((np.array(names), distances)) if free[i]][:per_treated]:
            free[index] = False
            matches.append(Match(code, names[index], float(distances[index])))
    return matches


def standardised_mean_difference(treated: np.ndarray, comparison: np.ndarray) -> float | None:
    """(mean treated − mean comparison) / √((var treated + var comparison) / 2); None when both are constant."""
    t, c = np.asarray(treated, dtype=float), np.asarray(comparison, dtype=float)
    spread = np.sqrt((t.var(ddof=1) if len(t) > 1 else 0.0) / 2 + (c.var(ddof=1) if len(c) > 1 else 0.0) / 2)
    if spread == 0:
        return None
    return float((t.mean() - c.mean()) / spread)


def pre_period_trend(values: np.ndarray) -> float:
    """The least-squares slope of a series over its periods (change per period)."""
    y = np.asarray(values, dtype=float)
    if len(y) < 2:
        return 0.0
    x = np.arange(len(y), dtype=float)
    return float(np.polyfit(x, y, 1)[0])
