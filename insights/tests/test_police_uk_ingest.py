"""Ingest of real police.uk street-level files: counts, formats, validation, idempotency, replacement."""

import zipfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from core.problems import InputRejected
from core.testing.police_files import read_rows, warehouse_counts, write_rows
from insights.ingest.police_uk import ingest_police_uk
from insights.ingest.warehouse import current_files, warehouse_dir
from insights.models import IngestBatch, WarehousePartition
from insights.query.figures import FigureQuery, counts

pytestmark = pytest.mark.django_db


def test_every_real_file_lands_with_the_counts_of_the_csv(shared_data: Path) -> None:
    """All 167 real files: rows per force and month equal a count made directly from the CSVs."""
    street = shared_data / "police-uk/street"
    expected = Counter()
    for path in sorted(street.glob("*-street.csv.gz")):
        force = path.name[8:-len("-street.csv.gz")]
        for row in read_rows(path):
            expected[(force, row["Month"])] += 1
    summary = ingest_police_uk([street])
    assert summary.status == "landed" and summary.rows_rejected == 0
    assert warehouse_counts() == expected
    assert summary.rows_accepted == sum(expected.values()) == 1_301_331


def test_rows_keep_their_fields_asb_and_no_location_rows_kept(small_street_file: Path, sample_rows: list) -> None:
    summary = ingest_police_uk([small_street_file])
    files = current_files("police")
    got = duckdb.sql(f"""SELECT count(*) FILTER (crime_id IS NULL AND crime_type = 'Anti-social behaviour'),
                                count(*) FILTER (longitude IS NULL), count(DISTINCT crime_id)
                         FROM read_parquet({files!r})""").fetchall()[0]
    asb = sum(1 for r in sample_rows if r["Crime type"] == "Anti-social behaviour")
    no_location = sum(1 for r in sample_rows if not r["Longitude"])
    assert got[0] == asb > 0
    assert got[1] == no_location == summary.files[0].rows_without_location
    assert got[2] == len({r["Crime ID"] for r in sample_rows if r["Crime ID"]})
    first = sample_rows[0]
    row = duckdb.sql(f"""SELECT crime_id, force, longitude, lsoa_code, crime_type, last_outcome
                         FROM read_parquet({files!r}) LIMIT 1""").fetchall()[0]
    assert row == (first["Crime ID"] or None, "dyfed-powys", float(first["Longitude"]), first["LSOA code"],
                   first["Crime type"], first["Last outcome category"] or None)


def test_monthly_archive_zip_with_outcomes_and_stop_and_search_skipped(shared_data: Path, tmp_path: Path) -> None:
    archive = tmp_path / "2024-04.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for month in ("2024-03", "2024-04"):
            source = shared_data / f"police-uk/street/{month}-dyfed-powys-street.csv.gz"
            import gzip

            zf.writestr(f"{month}/{month}-dyfed-powys-street.csv", gzip.decompress(source.read_bytes()))
            zf.writestr(f"{month}/{month}-dyfed-powys-outcomes.csv", "Crime ID,Month\n")
        zf.write(shared_data / "police-uk/stop-and-search/2019-06-greater-manchester-stop-and-search.csv",
                 "2019-06/2019-06-greater-manchester-stop-and-search.csv")
    summary = ingest_police_uk([archive])
    assert summary.status == "landed"
    assert len(summary.skipped) == 3 and all("not street-level" in s for s in summary.skipped)
    assert set(warehouse_counts()) == {("dyfed-powys", "2024-03"), ("dyfed-powys", "2024-04")}


def test_reingesting_the_same_file_changes_nothing(small_street_file: Path) -> None:
    ingest_police_uk([small_street_file])
    before = list(WarehousePartition.objects.values_list("id", "path", "is_current"))
    files_before = sorted(p.name for p in warehouse_dir().rglob("*.parquet"))
    again = ingest_police_uk([small_street_file])
    assert again.status == "unchanged" and again.rows_accepted == 0 or again.files[0].unchanged
    assert list(WarehousePartition.objects.values_list("id", "path", "is_current")) == before
    assert sorted(p.name for p in warehouse_dir().rglob("*.parquet")) == files_before


def test_newer_release_of_a_force_month_replaces_the_older(small_street_file: Path, sample_rows: list,
                                                           tmp_path: Path) -> None:
    ingest_police_uk([small_street_file])
    old_path = warehouse_dir() / WarehousePartition.objects.get(is_current=True).path
    newer = write_rows(tmp_path / "newer" / "2024-03-dyfed-powys-street.csv", sample_rows[:-10]) \
        if (tmp_path / "newer").mkdir() is None else None
    ingest_police_uk([newer], replace_smaller=True)  # ten rows fewer is more than 1% fewer
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): len(sample_rows) - 10})
    assert WarehousePartition.objects.filter(is_current=True).count() == 1
    assert not old_path.exists()


BAD_ROWS = {
    "bad month": ("Month", "2024-13", "is not YYYY-MM"),
    "outside the UK": ("Longitude", "12.5", "outside the UK"),
    "unknown crime type": ("Crime type", "Jaywalking", "unknown crime type 'Jaywalking'"),
    "malformed LSOA": ("LSOA code", "E0123", "not an ONS LSOA code"),
    "coordinate not a number": ("Latitude", "north", "not numbers"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_bad_row_is_named_by_file_line_and_column_and_nothing_lands(case: str, sample_rows: list,
                                                                   small_street_file: Path, tmp_path: Path) -> None:
    ingest_police_uk([small_street_file])
    before = warehouse_counts()
    column, value, message = BAD_ROWS[case]
    rows = [dict(r) for r in sample_rows]
    rows[4][column] = value
    path = write_rows(tmp_path / "2024-04-dyfed-powys-street.csv", rows)
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([path])
    problem = caught.value.problems[0]
    assert problem.file.endswith("2024-04-dyfed-powys-street.csv") and problem.line == 6
    assert problem.column in (column, "Longitude") and message in problem.message
    assert warehouse_counts() == before
    assert IngestBatch.objects.filter(status="rejected").count() == 1


def test_missing_and_extra_columns(sample_rows: list, tmp_path: Path) -> None:
    header = [c for c in sample_rows[0] if c != "LSOA name"] + ["Officer name"]
    path = write_rows(tmp_path / "2024-03-dyfed-powys-street.csv", [{**r, "Officer name": "x"} for r in sample_rows],
                      header)
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([path])
    found = {(p.line, p.column, p.message.split(" (")[0]) for p in caught.value.problems}
    assert (1, "LSOA name", "missing column") in found
    assert (1, "Officer name", "unexpected column") in found


def test_wrong_encoding_too_many_fields_empty_file_and_not_a_zip(sample_rows: list, tmp_path: Path) -> None:
    latin = tmp_path / "2024-03-dyfed-powys-street.csv"
    write_rows(latin, sample_rows[:5])
    text = latin.read_bytes().replace(b"On or near", "On or near Caf\u00e9".encode("latin-1"), 1)
    latin.write_bytes(text)
    fields = write_rows(tmp_path / "2024-02-dyfed-powys-street.csv", sample_rows[:5])
    fields.write_text(fields.read_text().replace("\n", ",extra\n", 3).replace("Context,extra", "Context"))
    empty = tmp_path / "2024-01-dyfed-powys-street.csv"
    empty.write_bytes(b"")
    not_zip = tmp_path / "2024-04.zip"
    not_zip.write_text("this is not a zip")
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([latin, fields, empty, not_zip])
    by_file = {}
    for p in caught.value.problems:
        by_file.setdefault(Path(p.file).name, []).append(p)
    assert "not UTF-8" in by_file[latin.name][0].message and by_file[latin.name][0].line == 2
    assert "Expected Number of Columns" in by_file[fields.name][0].message and by_file[fields.name][0].line == 2
    assert "empty" in by_file[empty.name][0].message
    assert "not a zip archive" in by_file[not_zip.name][0].message
    assert not current_files("police")


def test_accept_partial_lands_valid_rows_and_reports_rejected(sample_rows: list, tmp_path: Path) -> None:
    rows = [dict(r) for r in sample_rows]
    rows[0]["Month"] = "24-03"
    rows[7]["Crime type"] = "Nonsense"
    path = write_rows(tmp_path / "2024-03-dyfed-powys-street.csv", rows)
    summary = ingest_police_uk([path], accept_partial=True)
    assert summary.status == "partial" and summary.rows_rejected == 2
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): len(rows) - 2})
    report = read_rows(Path(summary.report_path))
    assert [(r["line"], r["column"]) for r in report] == [("2", "Month"), ("9", "Crime type")]
    assert "Nonsense" in report[1]["row"]


def test_figures_read_what_landed(small_street_file: Path, sample_rows: list) -> None:
    ingest_police_uk([small_street_file])
    by_type = {r["crime_type"]: r["count"] for r in counts(FigureQuery(), ["crime_type"])}
    assert by_type == dict(Counter(r["Crime type"] for r in sample_rows))


def test_force_comes_from_reported_by_when_the_file_name_does_not_say(sample_rows: list, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "downloaded.csv", sample_rows)
    ingest_police_uk([path])
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): len(sample_rows)})


def test_two_releases_of_one_force_month_in_one_batch_the_last_wins(small_street_file: Path, sample_rows: list,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    newer = write_rows(tmp_path / "b" / "2024-03-dyfed-powys-street.csv", sample_rows[:-3])
    ingest_police_uk([small_street_file, newer])
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): len(sample_rows) - 3})
    assert WarehousePartition.objects.filter(is_current=True).count() == 1
