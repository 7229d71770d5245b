"""police.uk stop and search and outcomes: the real file imports with its row count, counts by object of search
match a hand count, bad files are refused by name, and crimes link to their outcomes by Crime ID."""

import csv
import gzip
import json
import shutil
from collections import Counter

import pytest

from core.problems import InputRejected
from insights.models import IngestBatch
from partners.services.searches import crime_outcomes, searches_by, searches_by_object
from partners.services.stop_search import OUTCOME_COLUMNS, ingest_outcomes, ingest_stop_search

pytestmark = pytest.mark.django_db
REAL = "police-uk/stop-and-search/2019-06-greater-manchester-stop-and-search.csv"


@pytest.fixture
def real_file(shared_data):
    return shared_data / REAL


def hand_count(path, column: str) -> Counter:
    with open(path, encoding="utf-8", newline="") as handle:
        return Counter(row[column] or "not recorded" for row in csv.DictReader(handle))


def test_real_stop_and_search_file_imports_with_its_row_count(real_file) -> None:
    summary = ingest_stop_search([real_file])
    assert summary.status == IngestBatch.Status.LANDED
    assert summary.rows_accepted == 907 and summary.rows_rejected == 0
    assert summary.files[0].months == ["2019-06"] and summary.files[0].providers == ["greater-manchester"]
    by_object = {r["object_of_search"]: r for r in searches_by_object()}
    assert {k: r["searches"] for k, r in by_object.items()} == dict(hand_count(real_file, "Object of search"))
    weapons = by_object["Offensive weapons"]
    with open(real_file, encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["Object of search"] == "Offensive weapons"]
    assert weapons["arrests"] == sum(r["Outcome"] == "Arrest" for r in rows)
    assert weapons["action_taken"] == sum(r["Outcome"] != "A no further action disposal" for r in rows)
    assert weapons["arrest_rate"] == round(100 * weapons["arrests"] / len(rows), 1)
    assert {r["outcome"]: r["searches"] for r in searches_by("outcome")} == dict(hand_count(real_file, "Outcome"))
    assert ingest_stop_search([real_file]).status == IngestBatch.Status.UNCHANGED


def test_bad_stop_and_search_file_is_refused_by_line_and_column(real_file, tmp_path) -> None:
    lines = real_file.read_text(encoding="utf-8").splitlines()
    fields = lines[5].split(",")
    fields[0] = "Horse search"
    lines[5] = ",".join(fields)
    bad = tmp_path / "2019-07-greater-manchester-stop-and-search.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputRejected) as caught:
        ingest_stop_search([real_file, bad])  # all or nothing: the good file does not land either
    first = caught.value.problems[0]
    assert (first.file, first.line, first.column) == (str(bad), 6, "Type") and "Horse search" in first.message
    assert searches_by_object() == []
    misnamed = tmp_path / "searches.csv"
    shutil.copy(real_file, misnamed)
    with pytest.raises(InputRejected, match="YYYY-MM-<force>-stop-and-search.csv"):
        ingest_stop_search([misnamed])


def test_crimes_link_to_their_outcomes_by_crime_id(small_street_file, sample_rows, tmp_path) -> None:
    """Outcomes built from real crime ids of a real street file: each crime's latest outcome is counted."""
    from insights.ingest.police_uk import ingest_police_uk

    ingest_police_uk([small_street_file])
    with_id = [r for r in sample_rows if r["Crime ID"]]
    assert len(with_id) >= 4
    outcome_rows = []
    for i, row in enumerate(with_id[:4]):
        outcome_rows.append({**{c: row.get(c, "") for c in OUTCOME_COLUMNS}, "Month": "2024-03",
                             "Outcome type": "Investigation complete; no suspect identified"})
        if i == 0:
            outcome_rows.append({**outcome_rows[-1], "Month": "2024-04",
                                 "Outcome type": "Offender given a caution"})
    march = tmp_path / "2024-03-dyfed-powys-outcomes.csv"
    april = tmp_path / "2024-04-dyfed-powys-outcomes.csv"
    for path, month in ((march, "2024-03"), (april, "2024-04")):
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=OUTCOME_COLUMNS)
            writer.writeheader()
            writer.writerows(r for r in outcome_rows if r["Month"] == month)
    assert ingest_outcomes([march, april]).rows_accepted == 5
    linked = crime_outcomes()
    counts = Counter()
    for row in linked:
        counts[row["latest_outcome"]] += row["crimes"]
    assert counts["Offender given a caution"] == 1
    assert counts["Investigation complete; no suspect identified"] == 3
    assert counts["no outcome published"] == len(with_id) - 4


def test_command_line(real_file, capsys) -> None:
    """With no LSOA boundaries loaded the searches land without LSOAs, and the summary says so."""
    from django.core.management import call_command

    call_command("ingest", "stop-and-search", str(real_file), "--no-progress")
    out = capsys.readouterr().out
    assert "rows accepted" in out and "907" in out and "greater-manchester" in out
    assert ("note 2019-06-greater-manchester-stop-and-search.csv: no LSOA boundaries are loaded, so these "
            "searches have no LSOA") in " ".join(out.split())


def test_searches_are_placed_in_the_lsoa_their_point_falls_in(real_file, shared_data, client) -> None:
    """With LSOA boundaries loaded (the real 2021 boundaries around Greater Manchester), each search's point is
    placed in the LSOA whose boundary holds it, checked point by point against every boundary; points outside
    the loaded boundaries and searches without a point keep no LSOA and still count."""
    import numpy as np
    import shapely

    from geography.models import Boundary
    from geography.services.boundaries import import_boundaries

    greater_manchester = shapely.box(-2.75, 53.33, -1.9, 53.69)
    import_boundaries(shared_data / "geography/boundaries_lsoa21.gpkg.gz", within=greater_manchester)
    boundaries = {b.area_code: shapely.from_wkb(bytes(b.geometry_wkb)) for b in Boundary.objects.filter(level="lsoa")}
    assert len(boundaries) > 1000
    with open(real_file, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    located = [r for r in rows if r["Longitude"]]
    x = np.array([float(r["Longitude"]) for r in located])
    y = np.array([float(r["Latitude"]) for r in located])
    expected: Counter = Counter()
    placed = np.zeros(len(located), dtype=bool)
    for code, shape in boundaries.items():
        inside = shapely.intersects_xy(shape, x, y) & ~placed
        placed |= inside
        expected[code] += int(inside.sum())
    expected = Counter({code: n for code, n in expected.items() if n})
    expected["not recorded"] = len(rows) - int(placed.sum())
    assert 0 < int(placed.sum()) < len(located)  # some searches were outside Greater Manchester
    ingest_stop_search([real_file])
    by_lsoa = {r["lsoa_code"]: r["searches"] for r in searches_by("lsoa_code")}
    assert by_lsoa == dict(expected)
    assert sum(by_lsoa.values()) == 907
    # By local authority (the LSOAs' local authorities from the real lookup): Manchester's searches are those
    # placed in Manchester's LSOAs, on the page as in the query.
    from geography.services.lookups import import_lookup

    lookup = shared_data / "geography/lookup_lsoa21_ward24_ltla24.csv.gz"
    import_lookup(lookup, keep=set(boundaries))
    with gzip.open(lookup, "rt", encoding="utf-8-sig", newline="") as handle:
        manchester = {r["lsoa21_code"] for r in csv.DictReader(handle) if r["ltla24_code"] == "E08000003"}
    in_manchester = sum(n for code, n in expected.items() if code in manchester)
    assert in_manchester > 50
    assert sum(r["searches"] for r in searches_by_object(area="E08000003")) == in_manchester
    page = json.loads(client.get("/partners/stop-and-search.json?area=E08000003").content)["rows"]
    assert sum(r["searches"] for r in page) == in_manchester
