"""The overview figures, their public versions, and the pages, downloads and API that serve them."""

import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from core.disclosure import THRESHOLD
from core.models import Organisation, User
from demo.region import build_demo_region
from insights.services import overview, public
from insights.services.catalogue import FIGURES, default_query, figure_rows
from insights.services.figures import FigureQuery, counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path: Path) -> dict:
    # Few events, so that small counts occur and disclosure control has work to do.
    return build_demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=12)


def test_headline_counts_match_the_query_layer(demo: dict) -> None:
    query = default_query()
    rows = {r["measure"]: r for r in overview.headline_figures(query)}
    violence = counts(FigureQuery("police", query.month_from, query.month_to, types=(overview.VIOLENCE,),
                                  lad_codes=query.lad_codes), [])[0]["count"]
    assert rows["violence"]["count"] == violence
    assert rows["ed_knife"]["count"] <= rows["ed_assaults"]["count"]
    assert rows["violence"]["change"] == rows["violence"]["count"] - rows["violence"]["previous_year_count"]


def test_concentration_shares_rise_and_end_below_100(demo: dict) -> None:
    rows = figure_rows("concentration", default_query(), unsuppressed=True)
    shares = [r["share_percent"] for r in rows]
    assert shares == sorted(shares) and shares[-1] <= 100 and rows[0]["lsoas"] == 5  # 1% of 480


@pytest.mark.parametrize("name", [n for n in FIGURES if n != "places"])
def test_no_public_figure_shows_a_small_count(demo: dict, name: str) -> None:
    for source in ("police", "ed"):
        query = default_query(source)
        if source == "ed" and name in public.ED_TOO_FINE:
            with pytest.raises(public.NotPublic):
                figure_rows(name, query, unsuppressed=False)
            continue
        rows = figure_rows(name, query, unsuppressed=False)
        for row in rows:
            for key in ("count", "previous_year_count"):
                value = row.get(key)
                assert value is None or not 1 <= value <= THRESHOLD, (name, source, row)


def test_public_line_withholds_rates_with_counts() -> None:
    rows = [{"lad": "A", "count": 3, "rate_per_1000": 0.1}, {"lad": "B", "count": 50, "rate_per_1000": 2.0},
            {"lad": "C", "count": 20, "rate_per_1000": 1.0}]
    published = public.line(rows)
    assert published[0]["count"] is None and published[0]["rate_per_1000"] is None
    assert published[2]["count"] is None  # secondary: the smallest other cell
    assert published[1] == rows[1]


def test_public_trend_hides_rolling_totals_that_would_reveal_a_month() -> None:
    rows = [{"month": f"2024-{m:02d}", "count": 100, "rolling_12_months": None, "change_on_previous_year": None,
             "change_on_previous_year_percent": None} for m in range(1, 13)]
    rows += [{"month": "2025-01", "count": 5, "rolling_12_months": 1105, "change_on_previous_year": -95,
              "change_on_previous_year_percent": -95.0}]
    published = public.trend(rows)
    assert published[-1]["count"] is None and published[-1]["rolling_12_months"] is None
    assert published[-1]["change_on_previous_year"] is None


def test_overview_page_public_and_analyst(demo: dict, client: Client) -> None:
    response = client.get("/insights/")
    assert response.status_code == 200
    assert b"Public figures" in response.content and b"<svg" in response.content
    analyst = User.objects.create_user("analyst", password="x-long-password-1", role="analyst")
    client.force_login(analyst)
    assert b"Public figures" not in client.get("/insights/").content


def test_csv_download_equals_the_public_rows(demo: dict, client: Client) -> None:
    response = client.get("/insights/figures/local_authorities.csv?from=2024-01&to=2024-12")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    query = FigureQuery("police", "2024-01", "2024-12", lad_codes=default_query().lad_codes)
    expected = figure_rows("local_authorities", query, unsuppressed=False)
    assert [r["lad"] for r in rows] == [r["lad"] for r in expected]
    assert [r["count"] or None for r in rows] == [None if r["count"] is None else str(r["count"]) for r in expected]


def test_ed_below_local_authority_is_not_public(demo: dict, client: Client) -> None:
    assert client.get("/insights/figures/places.json?source=ed").status_code == 403
    analyst = User.objects.create_user("a2", password="x-long-password-1", role="analyst")
    client.force_login(analyst)
    assert client.get("/insights/figures/places.json?source=ed").status_code == 200


def test_partner_sees_unsuppressed_figures_only_for_its_own_area(demo: dict, client: Client) -> None:
    org = Organisation.objects.create(name="Riverside council", kind="local_authority", area_codes=["E08900003"])
    partner = User.objects.create_user("p", password="x-long-password-1", role="partner", organisation=org)
    client.force_login(partner)
    own = client.get("/insights/figures/types.json?area=E08900003").json()
    other = client.get("/insights/figures/types.json?area=E08900004").json()
    assert own["disclosure_controlled"] is False and other["disclosure_controlled"] is True


def test_bad_filters_are_named(client: Client) -> None:
    response = client.get("/insights/figures/trend.json?from=2024-13&area=Birmingham")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"from", "area"}


def test_openapi_lists_every_figure(client: Client) -> None:
    document = client.get("/insights/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    figures = [p for p in document["paths"] if p.startswith("/insights/figures/")]
    assert {p.split("/")[-1][:-5] for p in figures} == set(FIGURES)
    assert "/commissioning/projects.json" in document["paths"]


def test_priority_index_is_the_weighted_mean_of_its_percentiles(demo: dict) -> None:
    from insights.services.hotspots import lsoas_in
    from insights.services.priority import DEFAULT_WEIGHTS, priority_places

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
    from insights.services.priority import priority_places

    with pytest.raises(ValueError):
        priority_places(default_query(), ["E01900001"], {"rate": -1})


def test_map_layers_are_geojson_with_public_figures(demo: dict, client: Client) -> None:
    import json

    lsoa = json.loads(client.get("/insights/maps/lsoa.geojson?from=2024-01&to=2024-12").content)
    assert lsoa["type"] == "FeatureCollection" and len(lsoa["features"]) == demo["lsoas"]
    counts_shown = [f["properties"]["count"] for f in lsoa["features"]]
    assert all(c is None or not 1 <= c <= THRESHOLD for c in counts_shown)
    assert any(c is None for c in counts_shown)  # small counts at LSOA level are withheld
    # The public get whole calendar or financial years only; a quarter is refused, with the reason.
    quarter = client.get("/insights/maps/lsoa.geojson?from=2024-01&to=2024-03")
    assert quarter.status_code == 400 and "calendar years" in quarter.json()["errors"]["from"][0]
    assert client.get("/insights/maps/lsoa.geojson?from=2024-04&to=2025-03").status_code == 200
    lad = json.loads(client.get("/insights/maps/lad.geojson").content)
    assert {f["properties"]["code"] for f in lad["features"]} == set(default_query().lad_codes)
    assert client.get("/insights/maps/lsoa.geojson?source=ed").status_code == 403
    assert client.get("/insights/maps/ward.geojson").status_code == 404


def test_hotspots_page_csv_and_layer(demo: dict, client: Client) -> None:
    import json

    page = client.get("/insights/hotspots/?from=2024-01&to=2024-12")
    assert page.status_code == 200 and b"false discovery rate" in page.content
    rows = list(csv.DictReader(io.StringIO(client.get("/insights/hotspots.csv?from=2024-01&to=2024-12")
                                           .content.decode())))
    assert len(rows) == demo["lsoas"]
    assert all(r["count"] == "" or not 1 <= int(r["count"]) <= THRESHOLD for r in rows)
    layer = json.loads(client.get("/insights/hotspots.geojson?from=2024-01&to=2024-12").content)
    assert len(layer["features"]) == demo["lsoas"]
    assert {f["properties"]["class"] for f in layer["features"]} <= {"hot spot", "cold spot", "not significant"}


def test_area_profile_compares_with_bordering_areas_and_the_region(demo: dict, client: Client) -> None:
    from insights.services.neighbours import neighbours_of

    # Local authorities are vertical strips: the second borders the first and third only.
    assert neighbours_of("E08900002") == ["E08900001", "E08900003"]
    rows = figure_rows("comparison", FigureQuery("police", "2024-01", "2024-12", area="E08900002"),
                       unsuppressed=True)
    assert [r["relation"] for r in rows] == ["this area", "neighbour", "neighbour", "region"]
    assert sorted(r["rank_by_rate"] for r in rows[:3]) == sorted({r["rank_by_rate"] for r in rows[:3]})
    assert rows[-1]["count"] == counts(FigureQuery("police", "2024-01", "2024-12",
                                                   lad_codes=default_query().lad_codes), [])[0]["count"]
    page = client.get("/insights/?area=E08900002&from=2024-01&to=2024-12")
    assert page.status_code == 200 and b"Area profile: E08900002" in page.content
