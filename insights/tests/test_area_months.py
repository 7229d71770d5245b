"""The counts by every area summed from the kept table by area, month and type
(``area_months.counts_by_every_area``) are the warehouse query's over the same records (``figures._counts``):
rows, counts and order, for random periods (any months, open at either end, or none) and types, both sources,
and the region's records (its authorities and its records with no location) as well as every record."""

import random
from dataclasses import replace
from pathlib import Path

import pytest

from insights.query import figures
from insights.query.area_months import area_months, counts_by_every_area
from insights.query.figures import AREA_KEYS, FigureQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=12,
                       with_commissioning=False, grid=(12, 10))


def _warehouse(query: FigureQuery) -> list[tuple]:
    return [tuple(r[k] for k in (*AREA_KEYS, "count")) for r in figures._counts(query, list(AREA_KEYS))]


def _shapes(source: str) -> list[FigureQuery]:
    from core.region import current_region

    region = current_region()
    lads = tuple(region.lad_codes)
    return [FigureQuery(source), FigureQuery(source, lad_codes=lads),
            FigureQuery(source, lad_codes=lads, no_location=True, forces=tuple(region.force_slugs))]


def test_any_period_and_types_give_the_warehouse_querys_rows(demo: dict) -> None:
    pick = random.Random(12)
    compared = 0
    for source in ("police", "ed"):
        kept_types = [t for t in area_months(FigureQuery(source)).types if t]
        months = list(area_months(FigureQuery(source)).months)
        assert len(months) == 24 and len(kept_types) >= 3
        for shape in _shapes(source):
            for n in range(12):
                start, end = sorted(pick.sample(range(-2, len(months) + 2), 2))
                month_from = months[start] if 0 <= start < len(months) else None
                month_to = months[end] if 0 <= end < len(months) else None
                types = tuple(pick.sample(kept_types, pick.choice([0, 1, 2]))) if n else ()
                query = replace(shape, month_from=month_from, month_to=month_to, types=types)
                summed = counts_by_every_area(query)
                assert summed == _warehouse(query), query
                compared += len(summed)
    assert compared > 2000  # real rows, not empty lists


def test_a_period_outside_the_data_and_an_unheld_type_give_no_rows(demo: dict) -> None:
    for query in (FigureQuery("police", "2030-01", "2030-12"), FigureQuery("police", "2019-01", "2019-12"),
                  FigureQuery("police", "2023-01", "2024-12", types=("Not a type",))):
        assert counts_by_every_area(query) == _warehouse(query) == []


def test_a_process_keeps_its_tables_however_big_and_reads_none_again(demo: dict, settings, monkeypatch) -> None:
    """A region with more records than the West Midlands makes a table bigger than the figure cache keeps of one
    result in a process: the table has its own slot, so a page neither builds nor reads it again."""
    from django.core.cache import caches

    from core import request_memo
    from core.caches import clear_caches
    from insights.query import area_months as module
    from insights.query import figure_cache

    settings.VRP_PUBLIC_CACHE_SECONDS = 300
    caches["shared"].clear()
    clear_caches()
    monkeypatch.setattr(figure_cache, "_kept", figure_cache.Kept(1024))
    monkeypatch.setattr(figure_cache, "_kept_objects", figure_cache.Kept(1024))
    built, read = [], []
    build, shared_read = module.counts_by_area_month_type, figure_cache.read
    monkeypatch.setattr(module, "counts_by_area_month_type", lambda query: built.append(1) or build(query))
    monkeypatch.setattr(figure_cache, "read", lambda keys: read.append(keys) or shared_read(keys))
    query = FigureQuery("police", "2023-04", "2024-03")
    with request_memo.reading():
        first = counts_by_every_area(query)
    assert built == [1] and first == _warehouse(query)
    read.clear()
    for month_from in ("2023-02", "2023-09"):
        with request_memo.reading():
            assert counts_by_every_area(replace(query, month_from=month_from)) == _warehouse(
                replace(query, month_from=month_from))
    assert built == [1] and read == []  # neither built nor read from the shared cache again
