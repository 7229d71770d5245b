"""Hotspot statistics: spatial weights, Getis-Ord Gi*, false-discovery-rate control."""

from insights.hotspots.contiguity import queen_weights
from insights.hotspots.fdr import benjamini_hochberg
from insights.hotspots.gistar import GiStar, g_local_star

__all__ = ["GiStar", "benjamini_hochberg", "g_local_star", "queen_weights"]
