"""Choropleth maps as inline SVG: kept in ``geography.svgmap`` (story maps draw with the same classes and
colours, and the capability apps import nothing from reports); re-exported here for the reports."""

from geography.svgmap import COLOURS, WITHHELD, choropleth_svg, quantile_breaks

__all__ = ["COLOURS", "WITHHELD", "choropleth_svg", "quantile_breaks"]
