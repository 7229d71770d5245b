"""Schools from real GIAS files; crime near a route checked against an independent shapely computation on real
police.uk points (City of London, 2024); the difference-in-differences estimate against statsmodels."""

import csv
import gzip
import json
from datetime import date
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer

from core.problems import InputRejected
from insights.ingest.police_uk import ingest_police_uk
from places.models import Route, School
from places.services.routes import before_after, difference_in_differences, route_panel, validate_line
from places.services.schools import import_schools

pytestmark = pytest.mark.django_db
SCHOOLS = "schools/gias_open_establishments_20250524_west_midlands_7LA.csv"


def test_the_west_midlands_schools_import_and_reimport_changes_nothing(shared_data: Path) -> None:
    first = import_schools(shared_data / SCHOOLS)
    assert first.created == 1238 and not first.rejected
    school = School.objects.get(urn=103120)
    assert school.name == "Bordesley Green East Nursery School" and school.lsoa_code == "E01009513"
    assert school.latitude == pytest.approx(52.478025, abs=1e-5)
    assert School.objects.filter(phase="Secondary").count() == 196
    again = import_schools(shared_data / SCHOOLS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1238)


def test_the_national_file_names_its_broken_rows_and_lands_nothing_unless_asked(shared_data: Path) -> None:
    national = shared_data / "schools/gias_open_establishments_20250524.csv.gz"
    with pytest.raises(InputRejected) as caught:
        import_schools(national)
    assert School.objects.count() == 0
    assert 1 <= len(caught.value.problems) <= 20 and all(p.line for p in caught.value.problems)
    partial = import_schools(national, accept_partial=True)
    assert partial.created > 26_000 and len(partial.rejected) == len(caught.value.problems)


def test_raw_gias_headers_and_eastings_are_understood(tmp_path: Path) -> None:
    raw = tmp_path / "edubasealldata20250524.csv"
    raw.write_bytes(("URN,EstablishmentName,EstablishmentStatus (name),PhaseOfEducation (name),LA (code),LA (name),"
                     "NumberOfPupils,PercentageFSM,Easting,Northing,LSOA (code)\n"
                     "999001,St Mary’s Primary,Open,Primary,330,Birmingham,210,31.5,406821,288242,E01034929\n"
                     "999002,Old School,Closed,Primary,330,Birmingham,,,406821,288242,E01034929\n").encode("cp1252"))
    result = import_schools(raw)
    assert (result.created, result.skipped_closed) == (1, 1)
    school = School.objects.get(urn=999001)
    assert school.name == "St Mary’s Primary" and school.pupils == 210
    assert (school.latitude, school.longitude) == pytest.approx((52.49205, -1.90097), abs=1e-4)


CITY = [f"police-uk/street/2024-{m:02d}-city-of-london-street.csv.gz" for m in range(1, 13)]
#: Two chaperoned routes and two comparison routes drawn along City of London streets.
LINES = {"Cheapside walk": [[-0.0990, 51.5140], [-0.0920, 51.5138]],
         "Bishopsgate walk": [[-0.0820, 51.5150], [-0.0800, 51.5200]],
         "Fleet Street (comparison)": [[-0.1100, 51.5140], [-0.1030, 51.5139]],
         "Aldgate (comparison)": [[-0.0790, 51.5130], [-0.0740, 51.5125]]}


@pytest.fixture
def city(shared_data: Path) -> list[Route]:
    ingest_police_uk([shared_data / p for p in CITY], "test")
    return [Route.objects.create(name=name, line_geojson=json.dumps({"type": "LineString", "coordinates": line}),
                                 start_date=date(2024, 7, 1), is_comparison="comparison" in name)
            for name, line in LINES.items()]


def independent_counts(shared_data: Path, line: list[list[float]], buffer_m: float) -> dict[str, int]:
    """Monthly counts within the buffer, straight from the CSV files with pyproj and shapely."""
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    area = shapely.LineString([to_grid.transform(x, y) for x, y in line]).buffer(buffer_m)
    counts: dict[str, int] = {}
    for path in CITY:
        with gzip.open(shared_data / path, "rt", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Longitude"] and area.contains(shapely.Point(to_grid.transform(float(row["Longitude"]),
                                                                                       float(row["Latitude"])))):
                    counts[row["Month"]] = counts.get(row["Month"], 0) + 1
    return counts


def test_counts_near_a_route_equal_an_independent_computation(city, shared_data: Path) -> None:
    panel = route_panel(city, "2024-01", "2024-12", buffer_m=250)
    for route in city[:2]:
        ours = {r["month"]: r["count"] for r in panel if r["route"] == route.name}
        theirs = independent_counts(shared_data, LINES[route.name], 250)
        assert {m: n for m, n in ours.items() if n} == theirs
        assert sum(theirs.values()) > 50
    summary = {r["route"]: r for r in before_after(panel)}
    cheapside = summary["Cheapside walk"]
    assert (cheapside["months_before"], cheapside["months_after"]) == (6, 6)


def test_difference_in_differences_equals_statsmodels(city) -> None:
    import statsmodels.formula.api as smf

    panel = route_panel(city, "2024-01", "2024-12", buffer_m=250)
    ours = difference_in_differences(panel)
    import pandas as pd

    fit = smf.ols("count ~ treated + post + treated:post", data=pd.DataFrame(panel)).fit()
    assert ours["estimate"] == pytest.approx(fit.params["treated:post"], rel=1e-9)
    assert ours["standard_error"] == pytest.approx(fit.bse["treated:post"], rel=1e-9)
    low, high = fit.conf_int().loc["treated:post"]
    assert (ours["ci_low"], ours["ci_high"]) == pytest.approx((low, high), rel=1e-9)
    with pytest.raises(ValueError, match="comparison routes"):
        difference_in_differences([r for r in panel if r["treated"]])


def test_route_lines_are_checked() -> None:
    assert json.loads(validate_line('{"type": "Feature", "geometry": {"type": "LineString", "coordinates": '
                                    '[[-1.9, 52.48], [-1.89, 52.481]]}}'))["type"] == "LineString"
    for bad, message in (('{"type": "Point", "coordinates": [-1.9, 52.4]}', "LineString"),
                         ('{"type": "LineString", "coordinates": [[-1.9, 52.4]]}', "two points"),
                         ('{"type": "LineString", "coordinates": [[52.4, -1.9], [52.5, -1.9]]}', "not in the UK"),
                         ("nonsense", "not JSON")):
        with pytest.raises(ValueError, match=message):
            validate_line(bad)


def test_count_data_without_points_is_refused_near_a_school_and_planning_ranks_by_the_school_lsoa(
        shared_data: Path, tmp_path: Path, client) -> None:
    """The West Midlands demo's police data are counts by LSOA: "crime near the school" must say it cannot be
    counted (never "None recorded"), its CSV is refused, and route planning ranks by the school's own LSOA."""
    from core.roles import Role
    from core.testing.factories import user
    from core.testing.police_files import write_counts
    from insights.ingest.counts import ingest_counts

    import_schools(shared_data / SCHOOLS)
    first, second = School.objects.filter(phase="Secondary").exclude(lsoa_code="").exclude(latitude=None)[:2]
    ingest_counts([write_counts(tmp_path / "c.csv", [[first.lsoa_code, "Robbery", "2024-01", "2"],
                                                     [second.lsoa_code, "Robbery", "2024-01", "5"],
                                                     [second.lsoa_code, "Burglary", "2024-01", "9"]])],
                  "west-midlands")
    page = client.get(f"/places/schools/{first.urn}/").content.decode()
    assert "count data has no points" in page and "None recorded" not in page
    refused = client.get(f"/places/schools/{first.urn}/nearby.csv")
    assert refused.status_code == 403 and b"count data has no points" in refused.content
    client.force_login(user(Role.PARTNER, None, "planner"))
    planning = client.get("/places/routes/planning/").content.decode()
    assert "Crimes in the school&#x27;s LSOA" in planning and "Crimes nearby" not in planning
    rows = list(csv.DictReader(client.get("/places/routes/planning.csv").content.decode().splitlines()))
    assert "violence_robbery_weapons_nearby" not in rows[0]
    ranked = {r["urn"]: int(r["violence_robbery_weapons_in_school_lsoa"]) for r in rows}
    # Burglary is not among the types ranked; the robberies are.
    assert ranked[str(second.urn)] == 5 and ranked[str(first.urn)] == 2
    assert rows[0]["urn"] == str(second.urn)
    route = Route.objects.create(name="Walk", line_geojson=json.dumps({"type": "LineString", "coordinates": [
        [first.longitude, first.latitude], [first.longitude + 0.005, first.latitude]]}), start_date=date(2024, 1, 1))
    assert "count data has no points" in client.get(f"/places/routes/{route.pk}/").content.decode()


def test_crime_near_a_school_is_police_uk_open_data_published_in_full(city, shared_data: Path, client) -> None:
    """police.uk figures near a school are public in full, small counts included (no school table is withheld):
    the anonymous CSV's counts by month and type equal the real points within the radius, counted here with
    pyproj and shapely."""
    school = School.objects.create(urn=999001, name="Cheapside School", latitude=51.5139, longitude=-0.0955)
    response = client.get(f"/places/schools/{school.urn}/nearby.csv", {"radius": "300"})
    assert response.status_code == 200
    ours = {(r["month"], r["crime_type"]): int(r["count"])
            for r in csv.DictReader(response.content.decode().splitlines())}
    to_grid = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    circle = shapely.Point(to_grid.transform(school.longitude, school.latitude)).buffer(300)
    theirs: dict[tuple[str, str], int] = {}
    for path in CITY:
        with gzip.open(shared_data / path, "rt", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Longitude"] and circle.contains(shapely.Point(to_grid.transform(float(row["Longitude"]),
                                                                                         float(row["Latitude"])))):
                    key = (row["Month"], row["Crime type"])
                    theirs[key] = theirs.get(key, 0) + 1
    assert {k: n for k, n in ours.items() if n} == theirs
    assert any(1 <= n <= 7 for n in ours.values())  # small counts are published, not withheld
