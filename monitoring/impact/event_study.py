"""Event study: the treated places' difference from the comparison places, period by period around the start.

The fit is of the outcome on a dummy for each period, a treated dummy, and the product of the treated dummy
with each period's dummy except the reference period (by convention the one just before the start), with
errors clustered by place (Autor 2003; Freyaldenhoven, Hansen, Pérez & Shapiro 2021, "Visualization,
identification, and estimation in the linear panel event-study design", NBER WP 29170). Each coefficient is
the treated-minus-comparison gap in that period relative to the gap in the reference period. Coefficients
before the start near zero are what parallel trends looks like; a drift there warns that the DiD may be biased.
"""

from dataclasses import dataclass

import numpy as np

from monitoring.impact.ols import ols


@dataclass(frozen=True)
class EventStudyTerm:
    relative_period: int
    estimate: float
    standard_error: float
    ci_low: float
    ci_high: float


def event_study(y: np.ndarray, treated: np.ndarray, relative_period: np.ndarray, clusters: np.ndarray,
                reference: int = -1, level: float = 0.95) -> list[EventStudyTerm]:
    """One term per relative period (period minus the start period), the reference included with 0.

    Parameters
    ----------
    y : outcome per row (one place in one period).
    treated : 1 for treated places, 0 for comparison places.
    relative_period : the row's period counted from the start (0 = the period the work started, -1 the one
        before).
    clusters : the place of each row (errors clustered by place).
    reference : the relative period every other is compared with (-1).
    """
    y = np.asarray(y, dtype=float)
    treated = np.asarray(treated, dtype=float)
    relative_period = np.asarray(relative_period, dtype=int)
    periods = sorted(set(relative_period.tolist()))
    if reference not in periods:
        raise ValueError(f"the reference period {reference} has no data")
    others = [p for p in periods if p != reference]
    period_dummies = [(relative_period == p).astype(float) for p in others]
    interactions = [treated * d for d in period_dummies]
    design = np.column_stack([np.ones_like(y), *period_dummies, treated, *interactions])
    fit = ols(design, y, clusters)
    first = 1 + len(others) + 1
    terms = {reference: EventStudyTerm(reference, 0.0, 0.0, 0.0, 0.0)}
    for offset, period in enumerate(others):
        low, high = fit.interval(first + offset, level)
        terms[period] = EventStudyTerm(period, float(fit.coefficients[first + offset]),
                                       float(fit.standard_errors[first + offset]), low, high)
    return [terms[p] for p in periods]
