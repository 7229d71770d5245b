"""Ordinary least squares with classical or cluster-robust standard errors, shared by the estimators here.

Cluster-robust ("sandwich") covariance with the CR1 small-sample correction G/(G-1)·(N-1)/(N-K), which Stata
and statsmodels (``cov_type="cluster"``) use by default (Liang & Zeger 1986; Cameron & Miller 2015, "A
practitioner's guide to cluster-robust inference", Journal of Human Resources 50(2), 317–372). Intervals use
Student's t with G-1 degrees of freedom when clustered, as Cameron & Miller recommend for few clusters, and
N-K when classical.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Fit:
    """Coefficients with their standard errors and the degrees of freedom used for intervals."""

    coefficients: np.ndarray
    standard_errors: np.ndarray
    degrees_of_freedom: int
    observations: int
    clusters: int | None

    def interval(self, index: int, level: float = 0.95) -> tuple[float, float]:
        from scipy import stats  # imported here: scipy.stats costs every process a second at start-up

        margin = float(stats.t.ppf(0.5 + level / 2, self.degrees_of_freedom)) * float(self.standard_errors[index])
        estimate = float(self.coefficients[index])
        return estimate - margin, estimate + margin

    def p_value(self, index: int) -> float:
        t = float(self.coefficients[index]) / float(self.standard_errors[index])
        from scipy import stats

        return float(2 * stats.t.sf(abs(t), self.degrees_of_freedom))


def ols(design: np.ndarray, y: np.ndarray, clusters: np.ndarray | None = None) -> Fit:
    """Fit ``y`` on ``design`` (which holds its own intercept column).

    Parameters
    ----------
    design : (N, K) array of full column rank.
    y : (N,) array.
    clusters : (N,) labels of the cluster (e.g. place) of each row; None for classical errors.

    Raises ValueError when the design is rank-deficient or leaves no degrees of freedom.
    """
    x = np.asarray(design, dtype=float)
    y = np.asarray(y, dtype=float)
    n, k = x.shape
    coefficients, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    if rank < k:
        raise ValueError("the data do not separate every term of the model (the design is rank-deficient)")
    if n <= k:
        raise ValueError("too few observations for the model")
    bread = np.linalg.inv(x.T @ x)
    residuals = y - x @ coefficients
    if clusters is None:
        variance = residuals @ residuals / (n - k) * bread
        return Fit(coefficients, np.sqrt(np.diag(variance)), n - k, n, None)
    labels, index = np.unique(np.asarray(clusters), return_inverse=True)
    groups = len(labels)
    if groups < 2:
        raise ValueError("clustered errors need at least two clusters")
    scores = np.zeros((groups, k))
    np.add.at(scores, index, x * residuals[:, None])
    meat = scores.T @ scores
    correction = groups / (groups - 1) * (n - 1) / (n - k)
    variance = correction * bread @ meat @ bread
    # Rounding can leave a variance of a term with no within-cluster variation a hair below zero.
    return Fit(coefficients, np.sqrt(np.clip(np.diag(variance), 0, None)), groups - 1, n, groups)
