"""The query layer and `vrp stats`: counts by area at every level, rates, rolling 12 months, change on a year."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.problems import InputRejected
from insights.query.figures import FigureQuery, change_on_previous_year, counts, monthly_trend

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=400, ed_per_month=30)


def demo_rows(tmp_path: Path) -> list[dict]:
    rows = []
    for path in sorted((tmp_path / "demo" / "police").glob("*.csv")):
        with open(path, newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def test_counts_by_lad_and_rates(demo: dict, tmp_path: Path) -> None:
    rows = demo_rows(tmp_path)
    by_lad = counts(FigureQuery(), ["lad"])
    assert sum(r["count"] for r in by_lad) == len(rows)
    located = [r for r in by_lad if r["lad"] is not None]
    assert len(located) == 5
    for r in located:
        assert r["rate_per_1000"] == pytest.approx(r["count"] * 1000 / r["population"], abs=0.001)
        assert r["rate_per_1000_aged_24_and_under"] > r["rate_per_1000"]
    unlocated = next(r for r in by_lad if r["lad"] is None)["count"]
    assert unlocated == sum(1 for r in rows if not r["LSOA code"])


def test_area_filter_and_levels_agree(demo: dict) -> None:
    lad = counts(FigureQuery(area="E08900001"), [])[0]["count"]
    wards = counts(FigureQuery(area="E08900001"), ["ward"])
    lsoas = counts(FigureQuery(area="E08900001"), ["lsoa"])
    assert sum(r["count"] for r in wards) == sum(r["count"] for r in lsoas) == lad
    one = lsoas[0]
    assert counts(FigureQuery(area=one["lsoa"]), [])[0]["count"] == one["count"]


def test_month_and_type_filters(demo: dict, tmp_path: Path) -> None:
    rows = demo_rows(tmp_path)
    query = FigureQuery(month_from="2023-06", month_to="2023-08", types=("Robbery", "Possession of weapons"))
    expected = sum(1 for r in rows if "2023-06" <= r["Month"] <= "2023-08"
                   and r["Crime type"] in ("Robbery", "Possession of weapons"))
    assert sum(r["count"] for r in counts(query, ["month", "crime_type"])) == expected


def test_rolling_12_months_and_change_on_previous_year(demo: dict) -> None:
    trend = monthly_trend(FigureQuery())
    assert len(trend) == 24 and trend[10]["rolling_12_months"] is None
    assert trend[11]["rolling_12_months"] == sum(t["count"] for t in trend[:12])
    assert trend[23]["rolling_12_months"] == sum(t["count"] for t in trend[12:])
    assert trend[12]["change_on_previous_year"] == trend[12]["count"] - trend[0]["count"]
    change = change_on_previous_year(FigureQuery(month_from="2024-01", month_to="2024-12"))
    assert change["count"] == trend[23]["rolling_12_months"]
    assert change["previous_year_count"] == trend[11]["rolling_12_months"]


def test_bad_query_parameters_are_named() -> None:
    with pytest.raises(InputRejected) as caught:
        FigureQuery(source="twitter", month_from="2024-13", area="Birmingham")
    assert {p.column for p in caught.value.problems} == {"source", "month_from", "area"}


def test_stats_command_csv_header_is_the_keys_then_count(demo: dict) -> None:
    out = io.StringIO()
    call_command("stats", "--by", "lad", "--by", "month", "--from", "2024-01", "--to", "2024-02",
                 "--format", "csv", stdout=out)
    reader = list(csv.reader(io.StringIO(out.getvalue())))
    assert reader[0] == ["lad", "month", "count", "population", "rate_per_1000", "rate_per_1000_aged_24_and_under"]
    assert {row[1] for row in reader[1:]} == {"2024-01", "2024-02"}
    total = sum(int(row[2]) for row in reader[1:])
    assert total == counts(FigureQuery(month_from="2024-01", month_to="2024-02"), [])[0]["count"]
    out = io.StringIO()
    call_command("stats", "--by", "crime_type", "--source", "ed", "--format", "csv", stdout=out)
    assert out.getvalue().splitlines()[0] == "crime_type,count"


def test_stats_command_rejects_a_bad_month() -> None:
    with pytest.raises(CommandError, match="'2024-1' is not a month"):
        call_command("stats", "--by", "month", "--from", "2024-1")


def test_hotspots_command_prints_one_row_per_lsoa_of_the_region(demo: dict) -> None:
    out = io.StringIO()
    call_command("hotspots", "--method", "gistar", "--from", "2024-01", "--to", "2024-12", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0])[:6] == ["lsoa", "value", "z", "p", "p_fdr", "class"]
    assert len(rows) == demo["lsoas"]
    assert {r["class"] for r in rows} <= {"hot spot", "cold spot", "not significant"}
    assert all(float(r["p_fdr"]) >= float(r["p"]) for r in rows)


def test_hotspots_need_boundaries() -> None:
    """An area the geography does not hold is refused as such; one it holds without boundaries says so."""
    from geography.models import Area

    with pytest.raises(CommandError, match="'E08000025' is not an area the loaded geography holds"):
        call_command("hotspots", "--area", "E08000025")
    Area.objects.create(code="E08000025", level="lad", vintage="2024", name="Birmingham")
    with pytest.raises(CommandError, match="have boundaries and population"):
        call_command("hotspots", "--area", "E08000025")


def test_kde_command_counts_every_located_point(demo: dict, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("hotspots", "--method", "kde", "--from", "2024-06", "--to", "2024-06", "--cell-size", "250",
                 "--bandwidth", "500", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    located = sum(1 for r in demo_rows(tmp_path) if r["Month"] == "2024-06" and r["Longitude"])
    assert sum(int(r["count"]) for r in rows) == located
    assert list(rows[0]) == ["cell", "longitude", "latitude", "easting", "northing", "count", "density_per_km2"]


def test_kde_refuses_ed_data() -> None:
    with pytest.raises(CommandError, match="only police.uk data has point locations"):
        call_command("hotspots", "--method", "kde", "--source", "ed")


def test_persistence_command_classifies_every_lsoa_over_yearly_periods(demo: dict) -> None:
    out = io.StringIO()
    call_command("hotspots", "--method", "persistence", "--from", "2023-01", "--to", "2024-12", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == ["lsoa", "2023-01..2023-12", "2024-01..2024-12", "pattern"]
    assert len(rows) == demo["lsoas"]
    with pytest.raises(CommandError, match="at least two periods"):
        call_command("hotspots", "--method", "persistence", "--from", "2024-01", "--to", "2024-12")


def _raw_counts(query: FigureQuery, by: list[str]) -> dict[tuple, int]:
    """The same counts taken straight from the events, one row per event, not from a pre-aggregated cube."""
    from insights.query.figures import _key_sql, select

    keys = [_key_sql(k, query.source) for k in by]
    sql = (f"SELECT {', '.join([*keys, 'count(*) AS n'])} FROM {{events}} WHERE {{where}}"
           + (f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))}" if keys else ""))
    return {tuple(r[c] for c in r if c != "n"): r["n"] for r in select(query, sql)}


@pytest.mark.parametrize("source,by", [
    ("police", []), ("police", ["lad"]), ("police", ["lsoa"]), ("police", ["ward", "month"]),
    ("police", ["msoa", "crime_type"]), ("ed", ["age_band", "sex"]), ("ed", ["lad", "crime_type"]),
    ("ed", ["location_type", "month"]),
])
def test_counts_from_cubes_equal_counting_every_event(demo: dict, source: str, by: list[str]) -> None:
    lsoa = counts(FigureQuery(source, area="E08900001"), ["lsoa"])[0]["lsoa"]
    type_ = "Robbery" if source == "police" else "knife or sharp object"
    for query in [FigureQuery(source), FigureQuery(source, "2023-03", "2024-02", area="E08900001"),
                  FigureQuery(source, types=(type_,)), FigureQuery(source, area=lsoa),
                  FigureQuery(source, "2024-01", "2024-06", lad_codes=("E08900002", "E08900003"))]:
        from_cube = {tuple(r[k] for k in by): r["count"] for r in counts(query, by)}
        assert from_cube == _raw_counts(query, by), (query, by)
        assert sum(from_cube.values()) > 0


def test_top_areas_rank_in_the_database_as_counts_would(demo: dict) -> None:
    from insights.query.figures import top_areas

    query = FigureQuery(month_from="2023-06", month_to="2024-05", types=("Violence and sexual offences",))
    every = [r for r in counts(query, ["lsoa"]) if r["lsoa"] is not None]
    top, total = top_areas(query, "lsoa", 10)
    assert total == sum(r["count"] for r in every)
    assert top == sorted(every, key=lambda r: (-r["count"], r["lsoa"]))[:10]
    with pytest.raises(InputRejected):
        top_areas(query, "region", 10)


def test_one_definition_of_a_total(demo: dict, tmp_path: Path) -> None:
    """`vrp stats`, the overview and the SNA count the region alike: records in its local authorities plus its
    force's records with no location, which are a row named `no location`, never a blank key."""
    from dataclasses import replace

    from core import figures as registry
    from insights.query.access import FULL, for_region

    out = io.StringIO()
    call_command("stats", "--by", "lad", "--from", "2024-01", "--to", "2024-12", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert "no location" in {r["lad"] for r in rows} and "" not in {r["lad"] for r in rows}
    stats_total = sum(int(r["count"]) for r in rows)
    region = replace(for_region(FigureQuery()), month_from="2024-01", month_to="2024-12")
    overview = registry.get("local_authorities").table(region, FULL).rows
    assert sum(r["count"] for r in overview) == stats_total == counts(region, [])[0]["count"]
    unlocated = sum(1 for r in demo_rows(tmp_path) if not r["LSOA code"] and r["Month"].startswith("2024"))
    assert next(r for r in overview if r["lad"] == "no location")["count"] == unlocated > 0


def test_the_monthly_figures_add_up_to_the_total_and_what_a_region_figure_leaves_out_is_said(demo: dict,
                                                                                            client) -> None:
    """One definition of a total: the overview's months add up to its total (the issue's 78,556 against 77,423),
    which the SNA states as its records; and with a region of four of the five authorities, the records placed in
    the fifth are said, with how many, in `vrp stats`, the figure's JSON, the overview page and the SNA."""
    import json

    from core import figures as registry
    from core.region import current_region, set_region
    from demo.region import FORCE_SLUG
    from insights.query.access import PUBLIC, for_region
    from reports.services.sna import ReportPeriod, build_sna

    year = {"from": "2024-01", "to": "2024-12"}
    region = for_region(FigureQuery(month_from="2024-01", month_to="2024-12"))
    total = counts(region, [])[0]["count"]
    trend = registry.get("trend").table(region, PUBLIC).rows
    assert [r["month"] for r in trend] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert sum(r["count"] for r in trend) == total
    sources = " ".join(s for section in build_sna(ReportPeriod(2024), edition="public")["sections"]
                       for s in section.sentences)
    assert f"{total:,} records in 2024 for this report's area" in sources

    lads = sorted(current_region().lad_codes)
    set_region("test", "Four of five", [FORCE_SLUG], lads[:4], is_synthetic=True)
    outside = counts(FigureQuery(month_from="2024-01", month_to="2024-12", area=lads[4]), [])[0]["count"]
    assert outside > 0
    err = io.StringIO()
    call_command("stats", "--from", "2024-01", "--to", "2024-12", stdout=io.StringIO(), stderr=err)
    assert f"left out: {outside:,} records" in err.getvalue()
    document = json.loads(client.get("/insights/figures/local_authorities.json", year).content)
    said = " ".join(document["notes"])
    assert f"{outside:,} records located outside the region" in said, said
    assert lads[4] not in {r["lad"] for r in document["rows"]} and "no location" in {r["lad"] for r in document["rows"]}
    assert f"{outside:,} records located outside the region" in client.get("/insights/", year).content.decode()
    report = build_sna(ReportPeriod(2024), edition="public")
    assert f"{outside:,} records located outside the region" in " ".join(
        s for section in report["sections"] for s in section.sentences)
