"""The overview figures, what each viewer gets (open data in full; controlled data through the public release), and
the pages, downloads and API that serve them."""

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from django.test import Client

from core import figures as registry
from core.figures import WITHHELD, Missing
from core.models import Organisation, User
from core.release import ALL, REGION, TOTAL, current_release
from insights.figures import OVERVIEW
from insights.query import overview
from insights.query.access import FULL, PUBLIC, for_region
from insights.query.catalogue import default_query
from insights.query.figures import FigureQuery, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    # Few ED attendances, so that small counts occur and the public release has work to do.
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=12,
                       with_commissioning=False, grid=(12, 10))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_headline_counts_match_the_query_layer(demo: dict) -> None:
    query = default_query()
    rows = {r["measure"]: r for r in overview.headline_figures(query, FULL)}
    violence = counts(replace(query, types=(overview.VIOLENCE,)), [])[0]["count"]
    assert rows["violence"]["count"] == violence
    assert rows["ed_knife"]["count"] <= rows["ed_assaults"]["count"]


def test_comparison_with_a_year_that_has_no_data(demo: dict) -> None:
    """2023 is the first year loaded: its comparison says "no data for 2022", never zero or "from none"."""
    rows = {r["measure"]: r for r in overview.headline_figures(FigureQuery("police", "2023-01", "2023-12",
                                                                           lad_codes=default_query().lad_codes),
                                                               FULL)}
    violence = rows["violence"]
    assert isinstance(violence["previous_year_count"], Missing)
    assert violence["previous_year_count"].reason == "no data for 2022"
    assert isinstance(violence["change"], Missing) and isinstance(violence["change_percent"], Missing)


def test_the_rolling_total_is_never_a_running_total(demo: dict) -> None:
    rows = overview.trend(FigureQuery("police", "2023-01", "2024-12", lad_codes=default_query().lad_codes), FULL)
    # 2023 has no 12 months of data behind each month (the data starts 2023-01): no rolling total, with the reason.
    assert all(isinstance(r["rolling_12_months"], Missing) and "no data for 2022" in r["rolling_12_months"].reason
               for r in rows if r["month"] < "2023-12")
    december = next(r for r in rows if r["month"] == "2023-12")
    assert december["rolling_12_months"] == sum(r["count"] for r in rows if r["month"] <= "2023-12")
    assert isinstance(rows[0]["change_on_previous_year"], Missing)


def test_concentration_shares_rise_and_end_below_100(demo: dict) -> None:
    rows = registry.get("concentration").table(default_query(), FULL).rows
    shares = [r["share_percent"] for r in rows]
    assert shares == sorted(shares) and shares[-1] <= 100 and rows[0]["lsoas"] == 2  # 1% of 120


def test_police_figures_are_open_data_published_in_full_for_any_period(demo: dict, client: Client) -> None:
    """police.uk figures: the public get what analysts get, for any months and any area, LSOAs included."""
    query = FigureQuery("police", "2024-02", "2024-07", area="E01900005")
    for figure in OVERVIEW:
        if figure.name == "day_and_hour":
            continue
        public, full = figure.table(query, PUBLIC), figure.table(query, FULL)
        if figure.name == "headline":  # its ED rows are controlled: not public for an LSOA, with the reason
            assert public.rows[:3] == full.rows[:3] and "public release" in public.rows[3]["count"].reason
            continue
        assert public.rows == full.rows and not public.refused, figure.name
    response = client.get("/insights/figures/types.json", {"from": "2024-02", "to": "2024-07", "area": "E01900005"})
    assert response.status_code == 200
    assert "police.uk open data" in json.loads(body(response))["source"]


def test_public_ed_figures_are_the_public_release(demo: dict) -> None:
    """Every public ED count is a cell of the release: rounded to 5, or withheld."""
    query = default_query("ed", PUBLIC)
    release = current_release("ed")
    assert query.month_from == "2024-01" and query.month_to == "2024-12"
    types = registry.get("types").table(query, PUBLIC).rows
    for row in types:
        assert row["count"] == release.value("attendances", "type", row["type"], "2024", REGION)
        assert row["count"] is WITHHELD or row["count"] % 5 == 0
    lads = registry.get("local_authorities").table(query, PUBLIC).rows
    assert {r["lad"] for r in lads} == {*query.lad_codes, "no location"}
    headline = {r["measure"]: r for r in registry.get("headline").table(query, PUBLIC).rows}
    assert headline["ed_assaults"]["count"] == release.value("attendances", TOTAL, ALL, "2024", REGION)
    assert headline["ed_assaults"]["previous_year_count"] == release.value("attendances", TOTAL, ALL, "2023", REGION)
    trend = registry.get("trend").table(query, PUBLIC).rows
    assert [r["count"] for r in trend] == [release.value("attendances", TOTAL, ALL, r["month"], REGION) for r in trend]


@pytest.mark.parametrize("name", ["places", "concentration", "priority", "day_and_hour"])
def test_ed_figures_below_local_authority_are_refused_with_the_reason(demo: dict, client: Client, name) -> None:
    response = client.get(f"/insights/figures/{name}.json?source=ed")
    assert response.status_code == 403
    assert "public release" in response.json()["errors"][0]["message"]
    analyst = User.objects.create_user("a2", password="x-long-password-1", role="analyst")
    client.force_login(analyst)
    assert client.get(f"/insights/figures/{name}.json?source=ed").status_code == 200


def test_ed_for_a_ward_or_a_part_year_is_refused_with_the_reason(demo: dict, client: Client) -> None:
    ward = client.get("/insights/figures/types.json", {"source": "ed", "area": "E05900001", "from": "2024-01",
                                                       "to": "2024-12"})
    assert ward.status_code == 403 and "local authorities only" in ward.json()["errors"][0]["message"]
    quarter = client.get("/insights/figures/types.json", {"source": "ed", "from": "2024-01", "to": "2024-03"})
    assert quarter.status_code == 403 and "whole" in quarter.json()["errors"][0]["message"]


def test_overview_page_says_where_figures_come_from(demo: dict, client: Client) -> None:
    page = client.get("/insights/").content
    assert b"police.uk open data" in page and b"<svg" in page
    ed = client.get("/insights/?source=ed").content
    assert b"Public release of" in ed and b"[c]" not in ed
    analyst = User.objects.create_user("analyst", password="x-long-password-1", role="analyst")
    client.force_login(analyst)
    assert b"shown in full to you" in client.get("/insights/?source=ed").content


def test_downloads_in_every_format_equal_the_rows(demo: dict, client: Client) -> None:
    query = default_query("ed", PUBLIC)
    expected = registry.get("local_authorities").table(query, PUBLIC).rows
    response = client.get("/insights/figures/local_authorities.csv?source=ed&from=2024-01&to=2024-12")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    assert [r["lad"] for r in rows] == [r["lad"] for r in expected]
    assert [r["count"] for r in rows] == [("[c]" if r["count"] is WITHHELD else str(r["count"])) for r in expected]
    document = json.loads(body(client.get("/insights/figures/local_authorities.json?source=ed")))
    assert [r["count"] for r in document["rows"]] == [None if r["count"] is WITHHELD else r["count"] for r in expected]
    assert all(r["notes"]["count"] == "withheld" for r in document["rows"] if r["count"] is None)
    assert {c["key"]: c["unit"] for c in document["columns"]}["rate_per_1000"] == "per 1,000 residents"
    xlsx = client.get("/insights/figures/local_authorities.xlsx?source=ed")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_partner_sees_full_figures_only_for_its_own_area(demo: dict, client: Client) -> None:
    org = Organisation.objects.create(name="Riverside council", kind="local_authority", area_codes=["E08900003"])
    partner = User.objects.create_user("p", password="x-long-password-1", role="partner", organisation=org)
    client.force_login(partner)
    own = json.loads(body(client.get("/insights/figures/types.json?source=ed&area=E08900003")))
    other = json.loads(body(client.get("/insights/figures/types.json?source=ed&area=E08900004")))
    assert own["disclosure"] == "full" and other["disclosure"] == "public release"
    # An LSOA of another authority is refused to the partner, as to the public.
    assert client.get("/insights/figures/types.json?source=ed&area=E01900001").status_code == 403
    # The hole: an LSOA of its own authority bordering another's, compared with its neighbours, gives no
    # count of the other authority's LSOAs (the comparison ranks every LSOA of the region: refused for ED).
    from insights.query.areas import local_authority_of
    from insights.query.neighbours import neighbours_of

    lsoas = [r["lsoa"] for r in counts(FigureQuery("ed", area="E08900003"), ["lsoa"]) if r["lsoa"]]
    border = next(code for code in lsoas if any(local_authority_of(n) != "E08900003" for n in neighbours_of(code)))
    compared = client.get("/insights/figures/comparison.json", {"source": "ed", "area": border, "from": "2024-01",
                                                                "to": "2024-12"})
    if compared.status_code == 200:
        rows = json.loads(body(compared))["rows"]
        assert all(r["count"] is None for r in rows if r["area"] != "region"
                   and local_authority_of(r["area"]) != "E08900003"), rows
    else:
        assert compared.status_code == 403


def test_bad_filters_are_named_in_the_one_error_shape(client: Client) -> None:
    response = client.get("/insights/figures/trend.json?from=2024-13&area=Birmingham")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"from", "area"}
    csv_response = client.get("/insights/figures/trend.csv?from=2024-13")
    assert csv_response.status_code == 400 and csv_response.content.startswith(b"field,message")


def test_openapi_lists_every_figure(client: Client) -> None:
    document = client.get("/insights/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    figures = [p for p in document["paths"] if p.startswith("/insights/figures/")]
    assert {p.split("/")[-1][:-5] for p in figures} == {f.name for f in OVERVIEW}
    assert "/commissioning/projects.json" in document["paths"]


def test_priority_index_is_the_weighted_mean_of_its_percentiles(demo: dict) -> None:
    from insights.hotspots.query import lsoas_in
    from insights.query.priority import DEFAULT_WEIGHTS, priority_places

    rows = priority_places(default_query(), lsoas_in(None), limit=None)
    assert len(rows) == demo["lsoas"]
    assert [r["priority_index"] for r in rows] == sorted((r["priority_index"] for r in rows), reverse=True)
    top = rows[0]
    expected = sum(DEFAULT_WEIGHTS[k] * top[f"{k}_percentile"] for k in DEFAULT_WEIGHTS)
    assert top["priority_index"] == pytest.approx(expected, abs=0.1)
    only_rate = priority_places(default_query(), lsoas_in(None), {"rate": 1, "trend": 0, "deprivation": 0,
                                                                  "youth": 0}, limit=1)[0]
    assert only_rate["rate_per_1000"] == max(r["rate_per_1000"] for r in rows)


def test_priority_weights_are_checked(demo: dict) -> None:
    from insights.query.priority import priority_places

    with pytest.raises(ValueError):
        priority_places(default_query(), ["E01900001"], {"rate": -1})


def test_map_layers_are_geojson(demo: dict, client: Client) -> None:
    lsoa = json.loads(body(client.get("/insights/maps/lsoa.geojson?from=2024-02&to=2024-05")))
    assert lsoa["type"] == "FeatureCollection" and len(lsoa["features"]) == demo["lsoas"]
    full = {r["lsoa"]: r["count"] for r in counts(FigureQuery("police", "2024-02", "2024-05"), ["lsoa"])}
    assert all(f["properties"]["count"] == full.get(f["properties"]["code"], 0) for f in lsoa["features"])
    lad = json.loads(body(client.get("/insights/maps/lad.geojson")))
    assert {f["properties"]["code"] for f in lad["features"]} == set(default_query().lad_codes)
    assert client.get("/insights/maps/lsoa.geojson?source=ed").status_code == 403
    ed_lad = json.loads(body(client.get("/insights/maps/lad.geojson?source=ed")))
    assert all(p["count"] is None or p["count"] % 5 == 0 for p in (f["properties"] for f in ed_lad["features"]))
    assert client.get("/insights/maps/ward.geojson").status_code == 404


def test_hotspots_page_csv_and_layer(demo: dict, client: Client) -> None:
    page = client.get("/insights/hotspots/?from=2024-01&to=2024-12")
    assert page.status_code == 200 and b"false discovery rate" in page.content
    rows = list(csv.DictReader(io.StringIO(body(client.get("/insights/hotspots.csv?from=2024-01&to=2024-12"))
                                           .decode())))
    assert len(rows) == demo["lsoas"] and all(r["z"] != "" for r in rows)  # open data: z-scores are public
    layer = json.loads(body(client.get("/insights/hotspots.geojson?from=2024-01&to=2024-12")))
    assert len(layer["features"]) == demo["lsoas"]
    assert {f["properties"]["class"] for f in layer["features"]} <= {"hot spot", "cold spot", "not significant"}
    assert client.get("/insights/hotspots.geojson?source=ed").status_code == 403


def test_area_profile_compares_with_bordering_areas_and_the_region(demo: dict, client: Client) -> None:
    from insights.query.neighbours import neighbours_of

    assert neighbours_of("E08900002") == ["E08900001", "E08900003"]
    rows = overview.comparison(FigureQuery("police", "2024-01", "2024-12", area="E08900002"), FULL)
    assert [r["relation"] for r in rows] == ["this area", "neighbour", "neighbour", "region"]
    assert sorted(r["rank_by_rate"] for r in rows[:3]) == sorted({r["rank_by_rate"] for r in rows[:3]})
    region = replace(for_region(FigureQuery("police")), month_from="2024-01", month_to="2024-12")
    assert rows[-1]["count"] == counts(region, [])[0]["count"]
    page = client.get("/insights/?area=E08900002&from=2024-01&to=2024-12")
    assert page.status_code == 200 and b"Area profile: Easton Borough (E08900002)" in page.content


def test_an_unknown_type_is_refused_and_a_known_one_matches_whatever_its_case(demo: dict, client: Client) -> None:
    # A crime type given for ED (or nonsense) used to answer 200 with zeros: now the one error shape, or a form
    # error on the page, naming the types there are.
    for params in ({"source": "ed", "type": "Robbery"}, {"type": "nonsense"}):
        response = client.get("/insights/figures/local_authorities.json", params)
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert error["field"] == "type" and "unknown type" in error["message"] and "known:" in error["message"]
    page = client.get("/insights/", {"source": "ed", "type": "Robbery"})
    assert page.status_code == 400 and b"unknown type" in page.content
    any_case = client.get("/insights/figures/headline.json", {"type": "BURGLARY"})
    exact = client.get("/insights/figures/headline.json", {"type": "Burglary"})
    assert any_case.status_code == 200 and any_case.json()["rows"] == exact.json()["rows"]
    assert any(r["count"] for r in exact.json()["rows"])


@pytest.mark.parametrize("url", ["/insights/", "/insights/figures/trend.json", "/insights/figures/trend.csv",
                                 "/insights/maps/lsoa.geojson", "/insights/hotspots.json"])
def test_a_period_with_no_data_at_all_is_refused_everywhere(demo: dict, client: Client, url: str) -> None:
    # The demo holds 2023-01 to 2024-12: a period after it (or before it) would be titled and charted as zeros.
    for params in ({"from": "2099-01"}, {"to": "2001-06"}):
        response = client.get(url, params)
        assert response.status_code == 400, (url, params)
        assert b"no police data in that period" in body(response)
    assert client.get(url, {"from": "2024-01", "to": "2024-12"}).status_code == 200


def test_a_month_cut_short_in_one_area_is_incomplete_there_not_a_fall(demo_region, tmp_path: Path) -> None:
    # One local authority's 2024-06 reached the warehouse with no records (a short upload for one area),
    # while the region's total for the month still looks ordinary: its trend, rolling totals, year-on-year
    # changes and headline change make no comparison across the month, and say why.
    import duckdb

    from insights.ingest.warehouse import warehouse_dir
    from insights.models import WarehousePartition

    demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=600, ed_per_month=12,
                with_commissioning=False, grid=(12, 10))
    region = default_query()
    lad = region.lad_codes[0]
    partition = WarehousePartition.objects.get(source="police", month="2024-06", is_current=True)
    path = str(warehouse_dir() / partition.path)
    keep = path.replace(".parquet", ".cut.parquet")
    lsoas = ", ".join(f"'{r['lsoa']}'" for r in counts(FigureQuery("police", "2023-01", "2024-12", area=lad),
                                                     ["lsoa"]))
    duckdb.sql(f"COPY (SELECT * FROM read_parquet('{path}') WHERE lsoa_code IS NULL OR lsoa_code NOT IN ({lsoas})) "
               f"TO '{keep}' (FORMAT parquet)")
    partition.path = partition.path.replace(".parquet", ".cut.parquet")  # a new data state, as a reload makes
    partition.save()
    area = FigureQuery("police", "2024-01", "2024-12", area=lad)
    months = {r["month"]: r["count"] for r in counts(replace(area, month_from="2023-01"), ["month"])}
    assert months.get("2024-06", 0) == 0 and months["2024-05"] > 20
    for query in (area, replace(region, month_from="2024-01", month_to="2024-12")):
        rows = {r["month"]: r for r in overview.trend(query, FULL)}
        june = rows["2024-06"]["count"]
        assert isinstance(june, Missing) and f"2024-06 looks incomplete in {lad}" in june.reason
        assert all(isinstance(rows[m]["rolling_12_months"], Missing) for m in rows if m >= "2024-06")
    headline = overview.headline_figures(replace(area, month_from="2024-06", month_to="2024-06"), FULL)
    violence = next(r for r in headline if r["measure"] == "violence")
    assert isinstance(violence["change"], Missing) and "looks incomplete" in violence["change"].reason
    # Another authority's 2024-06 is whole: chosen on its own, its count stands.
    other = {r["month"]: r for r in overview.trend(FigureQuery("police", "2024-01", "2024-12",
                                                               area=region.lad_codes[1]), FULL)}
    assert isinstance(other["2024-06"]["count"], int) and other["2024-06"]["count"] > 20


def test_the_release_holds_only_whole_years_and_their_months_and_says_how_a_quarter_is_summed(
        demo_region, tmp_path: Path, client: Client) -> None:
    # Data from May 2023: 2024 is the only whole year, so May–December 2023 (which no released year covers) is not
    # published at all, month by month or otherwise.
    demo_region(tmp_path / "demo", "2023-05", 20, police_per_month=100, ed_per_month=12,
                with_commissioning=False, grid=(12, 10))
    release = current_release("ed")
    assert release.years == ["2024"]
    assert release.months == [f"2024-{m:02d}" for m in range(1, 13)]
    cells = client.get("/insights/release/ed.json").json()["rows"]
    assert cells and not [c for c in cells if c["period"].startswith("2023")]
    # A quarter of 2024: its total is the sum of the release's rounded monthly totals, and the page says so;
    # its breakdowns are refused, with the same reason.
    quarter = {"source": "ed", "from": "2024-03", "to": "2024-05"}
    headline = client.get("/insights/figures/headline.json", quarter)
    assert headline.status_code == 200 and "sum of the release's rounded monthly totals" in headline.text
    attendances = next(r for r in headline.json()["rows"] if r["source"] == "ed")
    assert attendances["count"] == sum(release.value("attendances", TOTAL, ALL, m, REGION)
                                       for m in ("2024-03", "2024-04", "2024-05"))
    by_type = client.get("/insights/figures/types.json", quarter)
    assert by_type.status_code == 403 and "only its total is shown" in by_type.json()["errors"][0]["message"]
    page = client.get("/insights/", quarter)
    assert "sum of the release" in page.content.decode()


def test_a_key_finding_states_no_change_across_a_month_that_looks_incomplete_and_says_why() -> None:
    from core.figures import Table, undefined
    from insights.findings import key_findings

    cut = undefined("2025-03 looks incomplete in E05011151: 13 records, fewer than half the median month's 850")
    headline = Table("headline", "Headline figures", [], [
        {"label": "Violence and sexual offences", "count": 28600, "change": cut, "change_percent": cut},
        {"label": "Robbery", "count": 1200, "change": -100, "change_percent": -7.7}])
    violence, robbery = key_findings([headline])
    assert violence == ("Violence and sexual offences: 28,600; no comparison with the year before (2025-03 looks "
                        "incomplete in E05011151: 13 records, fewer than half the median month's 850).")
    assert robbery == "Robbery: 1,200, down 100 (7.7%) on the year before."


def test_a_month_the_public_release_does_not_hold_is_never_a_zero(demo_region, tmp_path: Path, client) -> None:
    """ED from 2022-03 to 2024-02: the release holds 2023 and 2022/23 and their months, not 2022-03, 2024-01 or
    2024-02 (no whole year covers them). The public trend and seasonality never show those months as 0
    attendances: they are not available, with the release's reason, and the seasonality leaves them out."""
    demo_region(tmp_path / "demo", "2022-03", 24, police_per_month=50, ed_per_month=12, with_commissioning=False,
                grid=(8, 5))
    release = current_release("ed")
    assert "2024-01" not in release.months and "2023-12" in release.months
    region = for_region(FigureQuery("ed", "2023-03", "2024-02"))
    trend = {r["month"]: r for r in registry.get("trend").table(region, PUBLIC).rows}
    full = {r["month"]: r["count"] for r in counts(region, ["month"])}
    for month in ("2024-01", "2024-02"):
        assert full[month] > 0
        assert isinstance(trend[month]["count"], Missing) and trend[month]["count"].code == "x", trend[month]
        assert "public release" in trend[month]["count"].reason
    assert trend["2023-12"]["count"] == release.value("attendances", TOTAL, ALL, "2023-12", REGION)
    seasons = {r["month_of_year"]: r for r in registry.get("seasonality").table(region, PUBLIC).rows}
    assert 1 not in seasons and 2 not in seasons  # January and February are 2024's only: not in the release
    assert seasons[3]["count"] == release.value("attendances", TOTAL, ALL, "2023-03", REGION)
    rows = list(csv.DictReader(body(client.get("/insights/figures/trend.csv", {"source": "ed", "from": "2023-03",
                                                                              "to": "2024-02"})).decode()
                               .splitlines()))
    assert {r["month"]: r["count"] for r in rows}["2024-01"] == "[x]"
