"""Figure results kept per request and in the shared cache: the same figures as computed afresh, never another
viewer's, and retired by any change to the data they come from."""

import json
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client

from core import request_memo
from core.models import Organisation, User
from core.public_cache import bump_data_version
from insights.figures import OVERVIEW
from insights.query import figure_cache
from insights.query.access import FULL, PUBLIC, FigureAccess, scope_of
from insights.query.figures import FigureQuery
from insights.query.overview import VIOLENCE

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    # Few ED attendances, so that the public release withholds and rounds: a partner's figures differ from it.
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=12,
                       with_commissioning=False, grid=(12, 10))


@pytest.fixture
def cache_on(settings) -> None:
    settings.VRP_PUBLIC_CACHE_SECONDS = 300
    caches["shared"].clear()


def rows_of(response) -> list:
    assert response.status_code == 200, response.content[:300]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(content)["rows"]


def partner(name: str, lad: str) -> User:
    org = Organisation.objects.create(name=f"{name} council", kind="local_authority", area_codes=[lad])
    return User.objects.create_user(name, password="x-long-password-1", role="partner", organisation=org)


def test_a_partner_never_gets_another_partners_cached_figures(demo: dict, settings) -> None:
    """Partner A sees ED figures of its own authority in full and keeps them in the shared cache; partner B, of
    another authority, asking for the same figures gets the public release's, as it would with no cache."""
    own, other = partner("a", "E08900003"), partner("b", "E08900004")
    a, b = Client(), Client()
    a.force_login(own)
    b.force_login(other)
    urls = [f"/insights/figures/{name}.json?source=ed&area=E08900003&from=2024-01&to=2024-12"
            for name in ("types", "trend", "headline", "local_authorities")]
    settings.VRP_PUBLIC_CACHE_SECONDS = 0
    fresh_b = [rows_of(b.get(url)) for url in urls]
    fresh_a = [rows_of(a.get(url)) for url in urls]
    assert fresh_a != fresh_b  # the test means something: the release differs from the full figures
    settings.VRP_PUBLIC_CACHE_SECONDS = 300
    caches["shared"].clear()
    assert [rows_of(a.get(url)) for url in urls] == fresh_a
    assert [rows_of(a.get(url)) for url in urls] == fresh_a  # now from the cache
    assert [rows_of(b.get(url)) for url in urls] == fresh_b
    assert scope_of(own) != scope_of(other) and scope_of(own).startswith("partner:")


def test_figures_from_the_cache_are_the_figures_computed_afresh(demo: dict, cache_on: None, settings) -> None:
    queries = [FigureQuery("police", "2024-01", "2024-12", area="E08900003"),
               FigureQuery("police", "2024-01", "2024-12", area="E08900003", types=(VIOLENCE,)),
               FigureQuery("ed", "2024-01", "2024-12", area="E08900004"),
               FigureQuery("police", "2024-03", "2024-08", lad_codes=("E08900003", "E08900004"))]

    def tables(access: FigureAccess) -> list:
        return [(f.name, t.rows, t.refused) for q in queries for f in OVERVIEW for t in [f.table(q, access)]]

    for access in (FULL, PUBLIC):
        first, second = tables(access), tables(access)  # computed and stored; then read back
        settings.VRP_PUBLIC_CACHE_SECONDS = 0
        assert first == second == tables(access)
        settings.VRP_PUBLIC_CACHE_SECONDS = 300


def test_results_are_kept_per_scope_and_retired_by_a_change_to_the_data(demo: dict, cache_on: None,
                                                                        settings) -> None:
    calls = []

    def compute() -> list[dict]:
        calls.append(1)
        return [{"count": len(calls)}]

    assert figure_cache.remember("test", ("q",), compute, scope="public") == [{"count": 1}]
    assert figure_cache.remember("test", ("q",), compute, scope="public") == [{"count": 1}]
    assert figure_cache.remember("test", ("q",), compute, scope="partner:1:E08900003") == [{"count": 2}]
    assert figure_cache.remember("test", ("other q",), compute, scope="public") == [{"count": 3}]
    bump_data_version()  # what every import, ingest and data-changing request does
    assert figure_cache.remember("test", ("q",), compute, scope="public") == [{"count": 4}]
    settings.VRP_PUBLIC_CACHE_SECONDS = 0
    assert figure_cache.remember("test", ("q",), compute, scope="public") == [{"count": 5}]
    assert figure_cache.remember("test", ("q",), compute, scope="public") == [{"count": 6}]


def test_new_data_retire_results_even_without_a_new_data_version(demo_region, demo: dict, cache_on: None, settings,
                                                                 tmp_path: Path) -> None:
    """The warehouse's partitions are part of every key: data loaded by a script that does not bump the data
    version still retires what was kept."""
    query = FigureQuery("police", "2024-10", "2025-03", area="E08900003")
    trend = next(f for f in OVERVIEW if f.name == "trend")
    key, before = figure_cache.cache_key("figure", ("trend", query), "public"), trend.table(query, PUBLIC).rows
    demo_region(tmp_path / "more", "2025-01", 3, police_per_month=150, ed_per_month=12,
                with_commissioning=False, grid=(12, 10))
    assert figure_cache.cache_key("figure", ("trend", query), "public") != key
    after = trend.table(query, PUBLIC).rows
    settings.VRP_PUBLIC_CACHE_SECONDS = 0
    assert after == trend.table(query, PUBLIC).rows != before


def test_a_reading_request_remembers_lookups_and_a_writing_one_does_not(demo: dict) -> None:
    calls = []

    def lookup() -> int:
        calls.append(1)
        return len(calls)

    request_memo._started(None, environ={"REQUEST_METHOD": "GET"})
    try:
        assert request_memo.memo("x", lookup) == request_memo.memo("x", lookup) == 1
    finally:
        request_memo._finished(None)
    assert request_memo.memo("x", lookup) == 2 and request_memo.memo("x", lookup) == 3  # outside a request
    request_memo._started(None, environ={"REQUEST_METHOD": "POST"})
    try:
        assert request_memo.memo("x", lookup) == 4 and request_memo.memo("x", lookup) == 5
    finally:
        request_memo._finished(None)


def test_counts_by_month_and_type_from_an_areas_cells_are_its_counts(demo: dict, cache_on: None) -> None:
    """``cell_counts`` (the overview's counts by month and type, summed from an area's cells kept in the shared
    cache) gives the keys, counts and order of ``counts``, for areas of every level, the region, both sources,
    types and periods; and two areas never share cells."""
    from insights.hotspots.query import lsoas_in as lsoas_of
    from insights.query.access import for_region
    from insights.query.figures import cell_counts, counts

    lsoa = sorted(lsoas_of("E08900003"))[0]
    queries = [FigureQuery("police", "2024-01", "2024-12", area="E08900003"),
               FigureQuery("police", "2024-03", "2024-05", area=lsoa, types=(VIOLENCE, "Robbery")),
               FigureQuery("police", "2023-01", "2024-12", area="E08900004"),
               for_region(FigureQuery("police", "2024-01", "2024-06", types=(VIOLENCE,))),
               FigureQuery("police"),
               FigureQuery("ed", "2024-01", "2024-12", area="E08900004"),
               FigureQuery("ed", "2023-06", "2024-05", types=("knife or sharp object",)),
               FigureQuery("police", "2030-01", "2030-12", area="E08900003")]
    for query in queries:
        for by in ([], ["month"], ["crime_type"], ["month", "crime_type"]):
            expected = [{k: r[k] for k in [*by, "count"]} for r in counts(query, by)]
            assert cell_counts(query, by) == expected, (query, by)
    assert cell_counts(queries[0], []) != cell_counts(queries[2], [])  # the test means something


def test_an_lsoa_counts_every_record_recorded_in_it(demo: dict) -> None:
    """An LSOA's counts (whose scan reads only the stretch of the cube holding its 2021 LSOAs) are the records
    whose 2021 LSOA, or whose recorded LSOA, it is, counted straight from the events."""
    from insights.hotspots.query import lsoas_in as lsoas_of
    from insights.query import figures

    for lsoa in sorted(lsoas_of("E08900003"))[:5]:
        query = FigureQuery("police", "2023-01", "2024-12", area=lsoa)
        con, _ = figures.SHARED.cursor("police")
        try:
            direct = con.execute("SELECT count(*) FROM events_police e WHERE (e.lsoa21_code = ? OR e.lsoa_code = ?) "
                                 "AND e.month BETWEEN DATE '2023-01-01' AND DATE '2024-12-01'",
                                 [lsoa, lsoa]).fetchone()[0]
        finally:
            con.close()
        assert figures.counts(query, [])[0]["count"] == direct > 0


def test_results_are_written_in_one_go_and_read_back_by_the_cache(demo: dict, cache_on: None) -> None:
    figure_cache.write({"vrp:test:a": [{"count": 1}], "vrp:test:b": {"x": "y"}})
    assert caches["shared"].get("vrp:test:a") == [{"count": 1}] and caches["shared"].get("vrp:test:b") == {"x": "y"}
    figure_cache.write({"vrp:test:a": [{"count": 2}]})  # written again: replaced
    assert caches["shared"].get("vrp:test:a") == [{"count": 2}]


def test_a_pages_kept_figures_are_read_in_one_go_and_only_for_their_scope(demo: dict, cache_on: None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    query = FigureQuery("police", "2024-01", "2024-12", area="E08900003")

    def page(access: FigureAccess) -> tuple[list, list]:
        request_memo._started(None, environ={"REQUEST_METHOD": "GET"})
        try:
            figure_cache.prefetch("figure", [(f.name, query) for f in OVERVIEW], scope=access.scope)
            with CaptureQueriesContext(connection) as queries:
                rows = [f.table(query, access).rows for f in OVERVIEW]
        finally:
            request_memo._finished(None)  # writes the request's new results
        return rows, [q["sql"] for q in queries if "vrp_shared_cache" in q["sql"]]

    first, _ = page(FULL)
    second, reads = page(FULL)
    assert second == first and reads == []  # every figure came with the one read before
    public_keys = [figure_cache.cache_key("figure", (f.name, query), PUBLIC.scope) for f in OVERVIEW]
    assert caches["shared"].get_many(public_keys) == {}
    page(PUBLIC)  # another scope: the full figures are not its own; its own are computed and kept
    assert len(caches["shared"].get_many(public_keys)) >= len(OVERVIEW) - 1  # ED by day and hour: refused


def test_results_read_as_shared_are_kept_as_objects_in_the_process_until_the_data_change(demo: dict,
                                                                                        cache_on: None) -> None:
    """A result every page reads (``shared=True``) is kept as the object itself between requests, so a request
    neither reads nor unpickles it again; another state of the data computes it afresh."""
    computed = []

    def compute() -> list[tuple]:
        computed.append(1)
        return [("E01000001", len(computed))]

    def request() -> object:
        with request_memo.reading():
            first = figure_cache.remember("test kind", ("a",), compute, shared=True)
            assert figure_cache.remember("test kind", ("a",), compute, shared=True) is first
            return first

    first = request()
    assert request() is first and len(computed) == 1
    figure_cache.forget_kept()  # another process: read back from the shared cache, not computed
    assert request() == first and len(computed) == 1
    bump_data_version()
    assert request() == [("E01000001", 2)] and len(computed) == 2


def test_a_reading_block_runs_its_end_callbacks_and_remembers_within_itself(demo: dict) -> None:
    ended, calls = [], []
    with request_memo.reading():
        assert request_memo.memo("y", lambda: calls.append(1) or len(calls)) == 1
        assert request_memo.memo("y", lambda: calls.append(1) or len(calls)) == 1
        request_memo.at_end(lambda: ended.append(True))
        assert not ended
    assert ended == [True] and request_memo.current() is None


def test_a_page_asks_the_shared_cache_once_for_its_figures_and_not_again_for_each_missing_one(
        demo: dict, cache_on: None, monkeypatch) -> None:
    query = FigureQuery("police", "2024-01", "2024-12", area="E08900003")
    access = FigureAccess(lambda q: True, FULL)
    asked = []
    shared = caches["shared"]
    monkeypatch.setattr(shared, "get", lambda key, default=None: asked.append(key) or default)
    with request_memo.reading():
        figure_cache.prefetch("figure", [(f.name, query) for f in OVERVIEW], scope=access.scope)
        for figure in OVERVIEW:
            figure.table(query, access)
        figure_keys = {figure_cache.cache_key("figure", (f.name, query), access.scope) for f in OVERVIEW}
    assert not figure_keys & set(asked)


def test_results_kept_out_of_the_shared_cache_stay_in_the_request_and_the_process(demo: dict,
                                                                                  cache_on: None) -> None:
    computed = []
    with request_memo.reading():
        kept = figure_cache.remember("test local", ("b",), lambda: computed.append(1) or [len(computed)],
                                     in_shared_cache=False)
        key = figure_cache.cache_key("test local", ("b",))
        assert figure_cache.remember("test local", ("b",), lambda: computed.append(1) or [len(computed)],
                                     in_shared_cache=False) == kept == [1]
    assert caches["shared"].get(key) is None
    with request_memo.reading():
        assert figure_cache.remember("test local", ("b",), lambda: computed.append(1) or [len(computed)],
                                     in_shared_cache=False) == [1]  # from this process
    assert caches["shared"].get(key) is None and computed == [1]


def test_the_shared_cache_is_read_as_django_reads_it_leaving_out_what_has_expired(demo: dict,
                                                                                 cache_on: None) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    shared = caches["shared"]
    shared.set_many({"vrp:test:kept": [{"count": 3}], "vrp:test:old": {"x": 1}}, 300)
    figure_cache.write({"vrp:test:ours": ("E01000001", 2)})
    wanted = ["vrp:test:kept", "vrp:test:old", "vrp:test:ours", "vrp:test:absent"]
    assert figure_cache.read(wanted) == shared.get_many(wanted) == {
        "vrp:test:kept": [{"count": 3}], "vrp:test:old": {"x": 1}, "vrp:test:ours": ("E01000001", 2)}
    past = connection.ops.adapt_datetimefield_value((timezone.now() - timedelta(seconds=5)).replace(microsecond=0))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE vrp_shared_cache SET expires = %s WHERE cache_key = %s",
                       [past, shared.make_key("vrp:test:old")])
    assert figure_cache.read(wanted) == shared.get_many(wanted) == {
        "vrp:test:kept": [{"count": 3}], "vrp:test:ours": ("E01000001", 2)}


@pytest.mark.parametrize("in_shared_cache", [True, False])
def test_a_caller_that_changes_its_result_changes_no_one_elses(demo: dict, cache_on: None,
                                                               in_shared_cache: bool) -> None:
    """A result is the caller's own to change: the next caller in the request, the process and the shared cache
    still get what was computed (the first caller gets the computed value itself, never what is kept)."""
    key = figure_cache.cache_key("test own", ("c",))
    with request_memo.reading():
        first = figure_cache.remember("test own", ("c",), lambda: [{"count": 1}], in_shared_cache=in_shared_cache)
        first[0]["count"] = 99
        first.append("changed")
        assert figure_cache.remember("test own", ("c",), lambda: [{"count": 2}],
                                     in_shared_cache=in_shared_cache) == [{"count": 1}]
    with request_memo.reading():  # the process's kept bytes
        assert figure_cache.remember("test own", ("c",), lambda: [{"count": 3}],
                                     in_shared_cache=in_shared_cache) == [{"count": 1}]
    assert caches["shared"].get(key) == ([{"count": 1}] if in_shared_cache else None)
