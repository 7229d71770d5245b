"""Synthetic control: a weighted average of comparison places that tracked the treated place before the start.

Abadie & Gardeazabal (2003), "The economic costs of conflict", AER 93(1); Abadie, Diamond & Hainmueller
(2010), "Synthetic control methods for comparative case studies", JASA 105(490), 493–505.

The predictors are the outcome in every period before the start (Abadie 2021, "Using synthetic controls",
Journal of Economic Literature 59(2), §3; Doudchenko & Imbens 2016), each divided by its standard deviation
over the units in the fit and weighted equally, as the R ``Synth`` package scales them. The weights solve

    minimise ‖X₁ − X₀w‖²  subject to  w ≥ 0, Σw = 1,

by bounded-variable least squares (Stark & Parker 1995, via SciPy) with the adding-up constraint as a heavily
weighted extra row, then polished on the active set by solving its KKT equations exactly. The weights are
unique when there are no more donors than pre-start periods (the caller keeps the closest matches).

The estimate is the mean gap (treated minus synthetic) after the start. Its placebo-in-space p-value is the
share of units, the treated one included, whose ratio of post-start to pre-start mean squared prediction
error is at least the treated unit's, each donor in turn fitted as if treated from the other donors (Abadie,
Diamond & Hainmueller 2010 §2.4; Firpo & Possebom 2018, Journal of Causal Inference 6(2)); the smallest
possible p-value is 1/(donors + 1).
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SyntheticControl:
    weights: np.ndarray  # one per donor
    synthetic: np.ndarray  # the synthetic path, every period
    gaps: np.ndarray  # treated minus synthetic, every period
    pre_periods: int
    estimate: float  # mean gap after the start
    pre_mspe: float
    post_mspe: float

    @property
    def mspe_ratio(self) -> float:
        return self.post_mspe / self.pre_mspe if self.pre_mspe > 0 else float("inf")


def simplex_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """The convex weights (w ≥ 0, Σw = 1) whose combination of the ``donors`` columns is nearest ``target``.

    ``target`` is (P,), ``donors`` (P, J). Least squares; exact on its active set.
    """
    from scipy.optimize import lsq_linear

    a = np.asarray(donors, dtype=float)
    b = np.asarray(target, dtype=float)
    count = a.shape[1]
    if count == 1:
        return np.ones(1)
    big = 1e6 * max(float(np.abs(a).max()), 1.0)
    augmented = np.vstack([a, np.full(count, big)])
    result = lsq_linear(augmented, np.concatenate([b, [big]]), bounds=(0.0, 1.0), method="bvls", tol=1e-14)
    weights = np.clip(result.x, 0.0, None)
    weights /= weights.sum()
    return _polish(a, b, weights)


def _polish(a: np.ndarray, b: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Solve the equality-constrained least squares on the support exactly; keep it if it is a KKT point."""
    support = weights > 1e-9
    k = int(support.sum())
    a_s = a[:, support]
    kkt = np.zeros((k + 1, k + 1))
    kkt[:k, :k] = 2 * a_s.T @ a_s
    kkt[:k, k] = kkt[k, :k] = 1.0
    try:
        solution = np.linalg.solve(kkt, np.concatenate([2 * a_s.T @ b, [1.0]]))
    except np.linalg.LinAlgError:
        return weights
    polished = np.zeros_like(weights)
    polished[support] = solution[:k]
    gradient = 2 * a.T @ (a @ polished - b)
    multiplier = -solution[k]
    # KKT: on the support the gradient equals -multiplier; off it, it is no smaller.
    if (polished >= 0).all() and (gradient[~support] + multiplier >= -1e-9 * max(1.0, abs(multiplier))).all():
        return polished
    return weights


def synthetic_control(treated: np.ndarray, donors: np.ndarray, pre_periods: int) -> SyntheticControl:
    """Fit the synthetic control for one treated series.

    Parameters
    ----------
    treated : (T,) outcome of the treated unit in every period.
    donors : (T, J) outcome of each donor unit in every period.
    pre_periods : how many of the T periods come before the start (T₀ ≥ 2, and T₀ < T).
    """
    y1 = np.asarray(treated, dtype=float)
    y0 = np.asarray(donors, dtype=float)
    if not 2 <= pre_periods < len(y1):
        raise ValueError("a synthetic control needs at least two periods before the start and one after")
    if y0.ndim != 2 or y0.shape[0] != len(y1) or y0.shape[1] < 1:
        raise ValueError("give the donors as one column per unit, one row per period")
    predictors = np.column_stack([y0[:pre_periods], y1[:pre_periods]])
    scale = predictors.std(axis=1, ddof=1)
    scale[scale == 0] = 1.0  # a period where every unit had the same value constrains nothing
    weights = simplex_weights(y1[:pre_periods] / scale, y0[:pre_periods] / scale[:, None])
    synthetic = y0 @ weights
    gaps = y1 - synthetic
    pre, post = gaps[:pre_periods], gaps[pre_periods:]
    return SyntheticControl(weights, synthetic, gaps, pre_periods, float(post.mean()), float((pre ** 2).mean()),
                            float((post ** 2).mean()))


@dataclass(frozen=True)
class PlaceboTest:
    treated_ratio: float
    placebo_ratios: np.ndarray  # one per donor, fitted as if treated from the other donors
    p_value: float


def placebo_in_space(treated: np.ndarray, donors: np.ndarray, pre_periods: int) -> PlaceboTest:
    """The placebo-in-space p-value: (1 + placebos whose MSPE ratio ≥ the treated one's) / (donors + 1)."""
    y0 = np.asarray(donors, dtype=float)
    count = y0.shape[1]
    if count < 2:
        raise ValueError("a placebo test needs at least two donors")
    actual = synthetic_control(treated, y0, pre_periods).mspe_ratio
    ratios = np.array([synthetic_control(y0[:, j], np.delete(y0, j, axis=1), pre_periods).mspe_ratio
                       for j in range(count)])
    p_value = (1 + int((ratios >= actual).sum())) / (count + 1)
    return PlaceboTest(actual, ratios, p_value)
