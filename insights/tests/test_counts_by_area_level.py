"""Counts by one area level summed from the region's counts by every level (``figures._by_one_area_level``) are
the warehouse query's (``figures._counts``) row for row: keys, counts, populations, rates and order, for every
area of every level, both sources, with and without types, and with the records that have no location."""

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from geography.models import Area
from insights.query import figures
from insights.query.figures import AREA_KEYS, FigureQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=12,
                       with_commissioning=False, grid=(12, 10))


def queries() -> list[FigureQuery]:
    from core.region import current_region

    region = current_region()
    lads = tuple(region.lad_codes)
    return [FigureQuery("police", "2024-01", "2024-12", lad_codes=lads),
            FigureQuery("police", "2023-04", "2024-03", lad_codes=lads, types=("Robbery", "Drugs")),
            FigureQuery("police", "2024-01", "2024-06", lad_codes=lads, no_location=True,
                        forces=tuple(region.force_slugs)),
            FigureQuery("police", "2024-01", "2024-12"),  # every record, the region's or not
            FigureQuery("ed", "2024-01", "2024-12", lad_codes=lads)]


def test_every_area_of_every_level_gets_the_warehouse_querys_rows(demo: dict) -> None:
    by_level = {level: list(Area.objects.filter(level=level).order_by("code").values_list("code", flat=True))
                for level in AREA_KEYS}
    # The first query over every area but three LSOAs in four (each is one row, and the warehouse query per LSOA
    # is the slow part); the others over the authorities and a few areas of each level.
    every = [None, *by_level["lad"], *by_level["ward"], *by_level["msoa"], *by_level["lsoa"][::4]]
    some = [None, *by_level["lad"], *by_level["ward"][:4], *by_level["msoa"][:4], *by_level["lsoa"][:6]]
    compared = 0
    for n, query in enumerate(queries()):
        for area in every if n == 0 else some:
            asked = replace(query, area=area)
            for level in AREA_KEYS:
                assert figures._answers_from_every_area(asked, [level])
                summed, counted = figures._by_one_area_level(asked, [level]), figures._counts(asked, [level])
                assert summed == counted, (asked, level)
                compared += bool(counted)
    assert compared > 300  # the comparison is of real rows, not of empty lists


def test_the_rate_is_rounded_as_duckdb_rounds() -> None:
    """Halves, near-halves and large and small rates: ``_rate`` is DuckDB's ``round(count * 1000.0 / p, 3)``."""
    cases = [(1, 3.0), (2, 3.0), (1, 8.0), (5, 4000.0), (1, 1600.0), (7, 1.0), (123456, 987.0), (3, 2000.0),
             (1, 2000.0), (0, 5.0), *((n, float(p)) for n in range(1, 60) for p in (7, 13, 333, 1500, 1999))]
    con = duckdb.connect()
    for count, population in cases:
        expected = con.execute("SELECT round(?::BIGINT * 1000.0 / NULLIF(?::DOUBLE, 0), 3)",
                               [count, population]).fetchone()[0]
        assert figures._rate(count, population) == expected, (count, population)
    assert figures._rate(3, 0.0) is None and figures._rate(3, None) is None


def test_an_lsoa_whose_2011_code_fits_another_2021_lsoa_goes_to_the_warehouse(demo: dict, monkeypatch) -> None:
    """An LSOA area also counts records filed under the 2011 LSOA of its code: when that code's best fit is
    another 2021 LSOA, those records are not the area's rows in the region's counts, so the warehouse answers."""
    query = replace(queries()[0], area=Area.objects.filter(level="lsoa").values_list("code", flat=True).first())
    assert figures._answers_from_every_area(query, ["lsoa"])
    figures.SHARED.cursor("police")[0].close()
    monkeypatch.setitem(figures.SHARED._best_fit, query.area, "E01999999")
    assert not figures._answers_from_every_area(query, ["lsoa"])
    assert figures.counts(query, ["lsoa"]) == figures._counts(query, ["lsoa"])
    assert not figures._answers_from_every_area(query, ["lsoa", "month"])  # only one area level is summed
