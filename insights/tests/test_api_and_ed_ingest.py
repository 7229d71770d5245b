"""The data.police.uk API JSON format, and ISTV emergency department data (generated: none is public)."""

import gzip
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from core.problems import InputRejected
from demo.region import build_lsoas, month_range, write_ed, write_geography
from geography.services.boundaries import import_boundaries
from geography.services.lookups import import_lookup
from insights.ingest.ed import ingest_ed
from insights.ingest.police_api import ingest_police_api
from insights.ingest.police_uk_format import CRIME_TYPES
from insights.ingest.warehouse import current_files
from insights.query.figures import FigureQuery, counts

pytestmark = pytest.mark.django_db

ED_HEADER = "treatment_site,arrival_datetime,incident_datetime,assault_method,location_type,incident_lsoa,age,sex\n"


def test_real_api_json_lands_with_lsoas_from_boundaries(shared_data: Path) -> None:
    """25,094 real West Midlands records (2018-06): counts by category match the JSON; LSOAs by point-in-polygon."""
    import_boundaries(shared_data / "geography/wm_lsoa11_boundaries.geojson")
    path = shared_data / "police-uk/api/wm_street_crimes_2018-06_api_raw.json.gz"
    records = json.loads(gzip.decompress(path.read_bytes()))
    summary = ingest_police_api([path], force="west-midlands")
    assert summary.rows_accepted == len(records) == 25_094
    by_type = {r["crime_type"]: r["count"] for r in counts(FigureQuery(), ["crime_type"])}
    assert by_type == {CRIME_TYPES[c]: n for c, n in Counter(r["category"] for r in records).items()}
    located = counts(FigureQuery(), ["lsoa"])
    without = sum(r["count"] for r in located if r["lsoa"] is None)
    assert without < 0.01 * len(records)  # the few points outside WM LSOAs (BTP lines, borders)
    assert summary.files[0].rows_without_crime_id == sum(1 for r in records if not r["persistent_id"])


def test_api_json_bad_record_is_named(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps([
        {"category": "violent-crime", "month": "2018-06", "location": {"latitude": "52.4", "longitude": "-1.9"}},
        {"category": "teleportation", "month": "2018-06", "location": {"latitude": "52.4", "longitude": "-1.9"}}]))
    with pytest.raises(InputRejected) as caught:
        ingest_police_api([path], force="west-midlands")
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (2, "category") and "teleportation" in problem.message
    assert not current_files("police")


@pytest.fixture
def synthetic_area(tmp_path: Path):
    rng = np.random.default_rng(7)
    lsoas = build_lsoas(rng)
    geo = write_geography(lsoas, tmp_path / "geo")
    import_lookup(geo["lookup"])
    import_boundaries(geo["lsoa_boundaries"])
    return lsoas, rng


def test_generated_istv_file_lands_and_counts_match(synthetic_area, tmp_path: Path) -> None:
    lsoas, rng = synthetic_area
    path = write_ed(lsoas, month_range("2024-01", 3), tmp_path / "ed", rng, per_month=100)
    lines = path.read_text().splitlines()[1:]
    summary = ingest_ed([path])
    assert summary.rows_accepted == len(lines) and summary.rows_rejected == 0
    knives = sum(1 for line in lines if ",knife or sharp object," in line)
    got = counts(FigureQuery(source="ed", types=("knife or sharp object",)), [])
    assert got[0]["count"] == knives
    bands = {r["age_band"]: r["count"] for r in counts(FigureQuery(source="ed"), ["age_band"])}
    assert sum(bands.values()) == len(lines) and set(bands) <= {"10-17", "18-24", "25-34", "35-49", "50-64", "65+"}


def test_identifying_columns_are_refused_and_nothing_stored(tmp_path: Path) -> None:
    path = tmp_path / "ed.csv"
    path.write_text(ED_HEADER.replace("sex\n", "sex,NHS Number,Postcode\n")
                    + "RRK97,2024-01-05 23:10,,knife,street,E01000001,17,male,1234567890,B1 1AA\n")
    with pytest.raises(InputRejected) as caught:
        ingest_ed([path])
    columns = {p.column: p.message for p in caught.value.problems}
    assert "an NHS number" in columns["NHS Number"] and "a postcode" in columns["Postcode"]
    assert not current_files("ed")


def test_coordinates_become_lsoa_and_are_not_stored(synthetic_area, tmp_path: Path) -> None:
    lsoas, _ = synthetic_area
    x0, y0, x1, y1 = lsoas[10].bounds
    path = tmp_path / "ed.csv"
    path.write_text("treatment_site,arrival_datetime,assault_method,location_type,incident_latitude,"
                    "incident_longitude,age,sex\n"
                    f"SYN01,2024-02-03 01:15,glass,pub,{(y0 + y1) / 2},{(x0 + x1) / 2},22,M\n")
    ingest_ed([path])
    import duckdb

    files = current_files("ed")
    columns = [c[0] for c in duckdb.sql(f"DESCRIBE SELECT * FROM read_parquet({files!r})").fetchall()]
    row = duckdb.sql(f"SELECT lsoa_code, age_band, sex, assault_method, location_type FROM read_parquet({files!r})")
    assert row.fetchall() == [(lsoas[10].code, "18-24", "male", "glass or bottle", "licensed premises")]
    assert "longitude" not in columns and "latitude" not in columns and "age" not in columns


@pytest.mark.parametrize("row,column,message", [
    ("RRK97,yesterday,,knife,street,E01000001,17,male", "arrival_datetime", "is not YYYY-MM-DD HH:MM"),
    ("RRK97,2024-01-05 23:10,,spoon,street,E01000001,17,male", "assault_method", "'spoon' is not one of"),
    ("RRK97,2024-01-05 23:10,,knife,street,E01000001,170,male", "age", "is not 0–120"),
    ("RRK97,2024-01-05 23:10,,knife,street,LSOA1,17,male", "incident_lsoa", "not an ONS LSOA code"),
    (",2024-01-05 23:10,,knife,street,E01000001,17,male", "treatment_site", "missing"),
])
def test_bad_ed_values_are_named(tmp_path: Path, row: str, column: str, message: str) -> None:
    path = tmp_path / "ed.csv"
    path.write_text(ED_HEADER + "RRK97,2024-01-05 22:00,,body part,home,E01000002,30,female\n" + row + "\n")
    with pytest.raises(InputRejected) as caught:
        ingest_ed([path])
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (3, column) and message in problem.message
