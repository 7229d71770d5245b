"""A hot spot map's LSOAs, boundaries and contiguity depend on the geography alone: kept per geography table,
so a new period or type reads no boundaries and builds no weights (a load test of random periods spent a third
of its time there), and rebuilt when the geography changes."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.caches import clear_caches
from geography.services.manifest import record_import
from insights.hotspots import query as hotspot_query
from insights.query.figures import FigureQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=400, ed_per_month=10,
                       with_commissioning=False)


def _boundary_reads(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "geography_boundary" in q["sql"]]


def test_a_new_period_reads_no_boundaries_and_gives_what_a_fresh_process_gives(demo: dict) -> None:
    hotspot_query.gistar_hotspots(FigureQuery(month_from="2024-01", month_to="2024-06"))
    later = FigureQuery(month_from="2024-03", month_to="2024-11", types=("Burglary",))
    with CaptureQueriesContext(connection) as queries:
        kept = hotspot_query.gistar_hotspots(later)
    assert _boundary_reads(queries) == []
    hotspot_query._KEPT.clear()
    clear_caches()
    with CaptureQueriesContext(connection) as queries:
        fresh = hotspot_query.gistar_hotspots(later)
    assert _boundary_reads(queries), "a fresh process reads the boundaries"
    assert kept == fresh
    assert len({r["z"] for r in fresh}) > 10, "the comparison is of real scores, not of all-zero ones"


def test_a_geography_import_makes_the_boundaries_read_again(demo: dict, tmp_path: Path) -> None:
    query = FigureQuery(month_from="2024-01", month_to="2024-12")
    hotspot_query.gistar_hotspots(query)
    record_import("test", "boundaries", tmp_path / "boundaries.gpkg", "0" * 64, {}, 0)
    clear_caches()  # a request's memo of the geography version ends with the request
    with CaptureQueriesContext(connection) as queries:
        hotspot_query.gistar_hotspots(query)
    assert _boundary_reads(queries)
