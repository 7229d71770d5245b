"""Persistence of hot and cold spots over consecutive periods, in the manner of sfhotspot's
``hotspot_classify`` (Hoppe & Ashby, sfhotspot R package; parameters as its ``hotspot_classify_params``).

Given each area's Gi* class in each of n periods (oldest first), with the last ``recent_prop`` of periods
counted as recent:

* fewer than ``hotspot_prop`` of periods hot (or cold): **no pattern**;
* hot in at least ``persistent_prop`` of periods: **persistent hotspot**;
* hot in recent periods only: **emerging hotspot**;
* hot in earlier periods only: **former hotspot**;
* otherwise: **intermittent hotspot**.

Cold spots the same way. An area hot and cold equally often is read by the more recent of the two.
"""

import math

HOT, COLD = "hot spot", "cold spot"


def classify_persistence(classes: list[str], hotspot_prop: float = 0.1, persistent_prop: float = 0.8,
                         recent_prop: float = 0.2) -> str:
    """The pattern of one area's per-period classes (oldest first), e.g. "emerging hotspot"."""
    n = len(classes)
    if n == 0:
        return "no pattern"
    recent = max(1, math.ceil(n * recent_prop))
    hot, cold = classes.count(HOT), classes.count(COLD)
    if max(hot, cold) / n < hotspot_prop or max(hot, cold) == 0:
        return "no pattern"
    if hot > cold:
        kind, word = HOT, "hotspot"
    elif cold > hot:
        kind, word = COLD, "coldspot"
    else:
        latest = next(c for c in reversed(classes) if c in (HOT, COLD))
        kind, word = (HOT, "hotspot") if latest == HOT else (COLD, "coldspot")
    hits = [c == kind for c in classes]
    if sum(hits) / n >= persistent_prop:
        return f"persistent {word}"
    in_recent, in_earlier = any(hits[n - recent:]), any(hits[:n - recent])
    if in_recent and not in_earlier:
        return f"emerging {word}"
    if in_earlier and not in_recent:
        return f"former {word}"
    return f"intermittent {word}"
