"""False discovery rate control for many simultaneous tests (one per area)."""

import numpy as np


def benjamini_hochberg(p_values: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (Benjamini & Hochberg 1995, JRSS B 57(1), 289–300).

    An area is significant at false discovery rate q when its adjusted p-value is at most q. The adjusted
    value of the k-th smallest p among m is min over j ≥ k of m·p₍ⱼ₎/j, capped at 1.
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    return result
