"""Warming the figure cache: after ``warm_figures``, an area's overview for any period and type asks the
warehouse for no region-wide counts; the worker warms once per change to the data; nothing is done with the
cache switched off."""

from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client

from core.caches import clear_caches
from core.public_cache import bump_data_version
from insights.query import area_months, figures, warm
from insights.query.figures import AREA_KEYS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=12,
                       with_commissioning=False, grid=(12, 10))


@pytest.fixture
def cache_on(settings) -> None:
    settings.VRP_PUBLIC_CACHE_SECONDS = 300
    caches["shared"].clear()
    clear_caches()


def test_after_warming_an_areas_overview_asks_the_warehouse_for_no_region_wide_counts(demo: dict, cache_on: None,
                                                                                       monkeypatch) -> None:
    assert warm.warm_figures() > 0
    clear_caches()  # another process: only the shared cache holds what was warmed
    asked = []
    counts = figures._counts

    def counting(query, by):
        asked.append(list(by))
        return counts(query, by)

    monkeypatch.setattr(figures, "_counts", counting)
    monkeypatch.setattr(area_months, "counts_by_area_month_type", lambda query: asked.append("by area and month"))
    # Whole years and any months (a visitor may choose any), with and without an area and a type.
    for url in ("/insights/?area=E08900003&type=Robbery&from=2024-01&to=2024-12",
                "/insights/?area=E08900003&type=Drugs&from=2023-07&to=2024-02",
                "/insights/?type=Drugs&from=2023-04&to=2024-03", "/insights/?from=2024-02&to=2024-05",
                "/insights/?source=ed&from=2023-03&to=2024-10"):
        assert Client().get(url).status_code == 200
    assert asked and list(AREA_KEYS) not in asked and "by area and month" not in asked


def test_the_worker_warms_once_per_change_to_the_data(demo: dict, cache_on: None, monkeypatch) -> None:
    runs = []
    monkeypatch.setattr(warm, "warm_figures", lambda: runs.append(1) or 1)
    state = warm.warm_if_changed(None)
    assert warm.warm_if_changed(state) == state and len(runs) == 1
    bump_data_version()
    assert warm.warm_if_changed(state) != state and len(runs) == 2


def test_nothing_is_warmed_with_the_cache_switched_off(demo: dict, settings) -> None:
    settings.VRP_PUBLIC_CACHE_SECONDS = 0
    assert warm.warm_figures() == 0


def test_a_web_process_builds_its_query_database_when_it_starts(demo: dict) -> None:
    figures.SHARED.reset()
    assert figures.SHARED._key is None
    warm.warm_process()  # what vrp/wsgi.py runs as a web process starts
    built = figures.SHARED._key
    assert built is not None
    figures.SHARED.cursor("police")[0].close()
    assert figures.SHARED._key == built  # the first request finds it built


def test_after_warming_the_areas_a_profile_asks_nothing_of_the_warehouse_or_the_boundaries(
        demo: dict, cache_on: None, monkeypatch) -> None:
    """``warm_areas`` works out every area's cells, neighbours and priority residents: a profile of any of the
    region's areas (any level) then computes none of them, in a process that did not warm them."""
    from insights.hotspots.query import lsoas_in
    from insights.query import neighbours, priority

    areas = warm.region_areas()
    lsoa = sorted(lsoas_in("E08900003"))[0]
    assert "E08900003" in areas and lsoa in areas and not [a for a in areas if a[:3] not in ("E08", "E05", "E02",
                                                                                            "E01")]
    assert warm.warm_figures() > 0 and warm.warm_areas() == len(areas)
    clear_caches()  # another process: only the shared cache holds what was warmed
    asked = []
    monkeypatch.setattr(figures, "_cells", lambda query: asked.append(("cells", query.area)))
    monkeypatch.setattr(neighbours, "neighbours_of", lambda code: asked.append(("neighbours", code)))
    monkeypatch.setattr(priority, "_residents", lambda universe: asked.append(("residents", len(universe))))
    for area in ("E08900003", lsoa):
        assert Client().get(f"/insights/?area={area}&type=Robbery&from=2024-01&to=2024-12").status_code == 200
    assert asked == []


def test_without_warming_a_profile_works_them_out_itself(demo: dict, cache_on: None, monkeypatch) -> None:
    """The test above means something: the same page, unwarmed, computes what warming would have kept."""
    from insights.query import neighbours

    asked = []
    found = neighbours.neighbours_of
    monkeypatch.setattr(neighbours, "neighbours_of", lambda code: asked.append(code) or found(code))
    assert Client().get("/insights/?area=E08900003&type=Robbery&from=2024-01&to=2024-12").status_code == 200
    assert asked == ["E08900003"]
