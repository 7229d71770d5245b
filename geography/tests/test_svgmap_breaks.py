"""The printed maps' class breaks are distinct: a report on one local authority, or on areas with equal rates,
never prints a legend of "40.907 to 40.907" (the web map's rule, ``vrpBreaks``, in Python)."""

from geography.svgmap import COLOURS, _class_colours, quantile_breaks


def test_breaks_are_strictly_increasing_and_below_the_largest_value() -> None:
    values = [40.907] * 7 + [12.0, 55.5]
    breaks = quantile_breaks(values)
    assert breaks == [40.907]
    assert all(a < b for a, b in zip(breaks, breaks[1:], strict=False)) and max(breaks) < max(values)
    assert quantile_breaks([float(v) for v in range(1, 101)]) == [21.0, 41.0, 61.0, 81.0]


def test_one_area_or_areas_all_alike_have_one_class() -> None:
    assert quantile_breaks([40.907]) == [] and quantile_breaks([3.0, 3.0, 3.0]) == [] and quantile_breaks([]) == []
    assert len(_class_colours(1)) == 1 and _class_colours(5) == COLOURS
    assert _class_colours(2) == [COLOURS[0], COLOURS[-1]]
