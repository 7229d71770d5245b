"""Seasonality averages each calendar month over the months with complete data: a month that looks incomplete
(a late police.uk upload) is left out of its average, and the figure says so."""

from pathlib import Path

from insights.query.access import FULL
from insights.query.figures import FigureQuery
from insights.query.overview import seasonality, trend


def test_a_month_that_looks_incomplete_is_left_out_of_its_average(transactional_db, demo_region,
                                                                   tmp_path: Path) -> None:
    from insights.models import WarehousePartition

    demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=10,
                      with_commissioning=False)
    query = FigureQuery(source="police", month_from="2023-01", month_to="2024-12")
    before = {r["name"]: r for r in seasonality(query, FULL)}
    assert before["September"]["months"] == 2 and before["September"]["months_left_out"] == 0
    assert WarehousePartition.objects.filter(source="police", month="2024-09", is_current=True).update(rows=1)

    after = {r["name"]: r for r in seasonality(query, FULL)}
    september_2023 = next(r["count"] for r in trend(query, FULL) if r["month"] == "2023-09")
    assert after["September"]["months"] == 1 and after["September"]["months_left_out"] == 1
    assert after["September"]["average"] == september_2023
    assert after["August"] == before["August"]
