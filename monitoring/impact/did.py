"""Difference in differences: the change in the treated places beyond the change in the comparison places.

The estimate is the interaction coefficient of an ordinary least squares fit of the outcome on treated (or
comparison), period (before or after the start) and their product (Angrist & Pischke 2009, *Mostly Harmless
Econometrics*, ch. 5; Card & Krueger 1994). With a balanced panel and one start date it equals the two-way
fixed-effects estimate. Standard errors are classical, or clustered by place (``monitoring.impact.ols``), so
that a place's quarters are not counted as independent evidence (Bertrand, Duflo & Mullainathan 2004, "How
much should we trust differences-in-differences estimates?", QJE 119(1)).

It assumes the treated places would have followed the comparison places' trend (parallel trends): the
event study (``monitoring.impact.event_study``) shows whether they did before the start.
"""

from dataclasses import dataclass

import numpy as np

from monitoring.impact.ols import ols


@dataclass(frozen=True)
class DifferenceInDifferences:
    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float
    p_value: float
    observations: int
    degrees_of_freedom: int
    clusters: int | None

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "standard_error": self.standard_error, "ci_low": self.ci_low,
                "ci_high": self.ci_high, "p_value": self.p_value, "observations": self.observations,
                "degrees_of_freedom": self.degrees_of_freedom, "clusters": self.clusters}


def difference_in_differences(y: np.ndarray, treated: np.ndarray, post: np.ndarray,
                              clusters: np.ndarray | None = None, level: float = 0.95) -> DifferenceInDifferences:
    """The DiD estimate of ``y`` (one value per place and period) with its interval.

    Parameters
    ----------
    y : outcome per row (a count or rate for one place in one month or quarter).
    treated : 1 for rows of treated places, 0 for comparison places.
    post : 1 for rows after the start, 0 before.
    clusters : the place of each row, for errors clustered by place; None for classical errors.
    level : the confidence level of the interval (0.95).

    Raises ValueError when there are no treated or no comparison rows, or no rows before or after.
    """
    y = np.asarray(y, dtype=float)
    treated = np.asarray(treated, dtype=float)
    post = np.asarray(post, dtype=float)
    if len(set(treated)) < 2 or len(set(post)) < 2:
        raise ValueError("a difference-in-differences estimate needs treated and comparison places, with periods "
                         "before and after the start")
    design = np.column_stack([np.ones_like(y), treated, post, treated * post])
    fit = ols(design, y, clusters)
    low, high = fit.interval(3, level)
    return DifferenceInDifferences(float(fit.coefficients[3]), float(fit.standard_errors[3]), low, high,
                                   fit.p_value(3), fit.observations, fit.degrees_of_freedom, fit.clusters)
