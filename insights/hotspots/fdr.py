"""False discovery rate control for many simultaneous tests (one per area)."""

import numpy as np


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (Benjamini & Hochberg 1995, JRSS B 57(1), 289–300).

    An area is significant at false discovery rate q when its adjusted p-value is at most q. The adjusted
    value of the k-th smallest p among m is min over j ≥ k of m·p₍ⱼ₎/j, capped at 1; SciPy's
    ``false_discovery_control`` computes it.
    """
    # Imported here: scipy.stats costs about a second, and most `vrp` commands never reach this.
    from scipy.stats import false_discovery_control

    p = np.asarray(p_values, dtype=float)
    if len(p) == 0:
        return p
    return false_discovery_control(p, method="bh")
