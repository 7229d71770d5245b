"""Impact evaluation statistics: difference in differences, event study, synthetic control, matching.

One module per statistic, each citing the method it follows; plain numpy in, plain results out. The panel
they run on is built from the warehouse by ``monitoring.services.impact``; Step Together routes use the same
difference in differences (``places.services.routes``).
"""

from monitoring.impact.did import DifferenceInDifferences, difference_in_differences
from monitoring.impact.event_study import EventStudyTerm, event_study
from monitoring.impact.matching import Match, mahalanobis_matches, pre_period_trend, standardised_mean_difference
from monitoring.impact.ols import Fit, ols
from monitoring.impact.synthetic_control import (
    PlaceboTest,
    SyntheticControl,
    placebo_in_space,
    simplex_weights,
    synthetic_control,
)

__all__ = ["DifferenceInDifferences", "EventStudyTerm", "Fit", "Match", "PlaceboTest", "SyntheticControl",
           "difference_in_differences", "event_study", "mahalanobis_matches", "ols", "placebo_in_space",
           "pre_period_trend", "simplex_weights", "standardised_mean_difference", "synthetic_control"]
