"""Getis-Ord Gi*: where high (or low) values cluster with their neighbours.

Ord, J. K. & Getis, A. (1995), "Local spatial autocorrelation statistics: distributional issues and an
application", Geographical Analysis 27(4), 286–306; Getis & Ord (1992), Geographical Analysis 24(3).

The weights are binary contiguity with each area its own neighbour (the "star"), row-standardised, and
inference is analytical (normal approximation), as PySAL esda's ``G_Local(y, w, transform="R", star=True)``
computes them; a test checks the z-scores agree with esda to 1e-9. The z-score alone is easily misread
(STYLE.md): callers classify areas only after a false-discovery-rate correction over all areas.
"""

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from insights.hotspots.fdr import benjamini_hochberg

HOT, COLD, NOT_SIGNIFICANT = "hot spot", "cold spot", "not significant"


@dataclass(frozen=True)
class GiStar:
    """Per-area results, aligned with the input values."""

    g: np.ndarray
    z: np.ndarray
    p: np.ndarray  # two-sided, from the normal approximation
    p_fdr: np.ndarray  # Benjamini–Hochberg adjusted
    classes: list[str]


def g_local_star(values: np.ndarray, contiguity: sparse.spmatrix, alpha: float = 0.05) -> GiStar:
    """Gi* for ``values`` (one per area) with binary ``contiguity`` (zero diagonal).

    Returns G, z, two-sided p, FDR-adjusted p and a class per area: "hot spot" (z > 0, p_fdr ≤ alpha),
    "cold spot" (z < 0, p_fdr ≤ alpha) or "not significant". Areas that all have the same value are all
    "not significant" with z = 0 and p = 1.
    """
    y = np.asarray(values, dtype=float)
    n = len(y)
    if n < 3 or not np.isfinite(y).all():
        raise ValueError("Gi* needs at least 3 areas and a finite value for each")
    if np.ptp(y) == 0:
        # Every area has the same value (often none at all): there is no clustering to find, and the
        # statistic's variance is 0/0. Say so plainly rather than return NaN z-scores.
        ones = np.ones(n)
        return GiStar(ones / n, np.zeros(n), ones, ones, [NOT_SIGNIFICANT] * n)
    weights = sparse.csr_matrix(contiguity, dtype=float, copy=True)
    weights.setdiag(1.0)
    row_sums = np.asarray(weights.sum(axis=1)).ravel()
    weights = sparse.diags(1.0 / row_sums) @ weights
    g = (weights @ y) / y.sum()
    mean = y.mean()
    variance = (y ** 2).mean() - mean ** 2
    cardinality = np.asarray(weights.sum(axis=1)).ravel()
    expected = cardinality / n
    expected_variance = cardinality * (n - cardinality) / (n - 1) / n ** 2 * variance / mean ** 2
    z = (g - expected) / np.sqrt(expected_variance)
    from scipy import stats  # imported here: scipy.stats costs every process a second at start-up

    p = 2 * stats.norm.sf(np.abs(z))
    p_fdr = benjamini_hochberg(p)
    classes = [HOT if (q <= alpha and zi > 0) else COLD if (q <= alpha and zi < 0) else NOT_SIGNIFICANT
               for zi, q in zip(z, p_fdr, strict=True)]
    return GiStar(g, z, p, p_fdr, classes)
