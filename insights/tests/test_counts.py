"""``vrp ingest counts``: real police.uk counts by LSOA, type and month (the West Midlands aggregates in
../shared/data), the demo bundle made from them, validation by file/line/column, idempotency, KDE's refusal and
the incomplete-month flag."""

import csv
import io
import tarfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from django.core.management import CommandError, call_command

from core.figures import Missing
from core.problems import InputRejected
from core.testing.police_files import read_rows, write_counts
from insights.ingest.counts import ingest_counts
from insights.ingest.warehouse import current_files
from insights.models import IngestBatch, WarehousePartition
from insights.query.figures import FigureQuery, counts, event_points

pytestmark = pytest.mark.django_db
AGGREGATES = "police-uk/aggregates/wm7la-lsoa-category-monthly-counts_upstream-birmingham.tar.xz"
BUNDLE = Path(__file__).resolve().parents[2] / "demo" / "west_midlands"


def source_rows(shared_data: Path, months: set[str]) -> list[dict]:
    """The upstream rows (lsoa_code, lsoa_name, borough, category, year, month, crime_count) of ``months``."""
    rows = []
    with tarfile.open(shared_data / AGGREGATES) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name.endswith(".csv") and member.name.rsplit("/", 1)[-1][:7] in months:
                rows += list(csv.DictReader(io.StringIO(archive.extractfile(member).read().decode("utf-8-sig"))))
    return rows


def warehouse_totals() -> Counter:
    files = current_files("police")
    rows = duckdb.sql(f"SELECT lsoa_code, crime_type, strftime(month, '%Y-%m'), count(*), "
                      f"count(longitude) FROM read_parquet({files!r}) GROUP BY ALL").fetchall()
    assert all(located == 0 for *_, located in rows), "counts have no coordinates"
    return Counter({(lsoa, kind, month): n for lsoa, kind, month, n, _ in rows})


def test_real_counts_land_one_record_per_crime(shared_data: Path, tmp_path: Path) -> None:
    """2024-01 from the upstream archive, converted to the counts format: every LSOA × type × month holds the
    upstream crime_count, and one LSOA counted by hand from the file matches."""
    upstream = source_rows(shared_data, {"2024-01"})
    path = write_counts(tmp_path / "wm-2024-01.csv", [
        [r["lsoa_code"], r["category"], f"{r['year']}-{int(r['month']):02d}", r["crime_count"]] for r in upstream])
    call_command("ingest", "counts", str(path), "--force", "west-midlands", "--no-progress")
    expected = Counter()
    for r in upstream:
        expected[(r["lsoa_code"], r["category"], "2024-01")] += int(r["crime_count"])
    assert warehouse_totals() == expected
    assert sum(expected.values()) > 20_000  # a whole West Midlands month
    hand = sum(int(r["crime_count"]) for r in upstream if r["lsoa_code"] == "E01008881")
    by_lsoa = {r["lsoa"]: r["count"] for r in counts(FigureQuery(month_from="2024-01", month_to="2024-01"),
                                                       ["lsoa"])}
    assert by_lsoa["E01008881"] == hand > 0
    batch = IngestBatch.objects.get()
    assert (batch.format, batch.status, batch.rows_accepted) == ("police-uk-counts", "landed", sum(expected.values()))
    assert list(WarehousePartition.objects.values_list("month", "provider")) == [("2024-01", "west-midlands")]


def test_the_committed_bundle_is_what_the_script_makes_and_loads(shared_data: Path, tmp_path: Path) -> None:
    """The script run again on ../shared/data writes the committed files byte for byte, none over 1 MiB; its
    2026 counts file lands exactly the upstream 2026 months."""
    import sys

    sys.path.insert(0, str(BUNDLE.parent))
    try:
        from make_west_midlands_bundle import build
    finally:
        sys.path.remove(str(BUNDLE.parent))
    sizes = build(shared_data, tmp_path / "bundle")
    committed = {str(p.relative_to(BUNDLE)): p.read_bytes() for p in BUNDLE.rglob("*.gz")}
    assert set(sizes) == set(committed)
    for name, data in committed.items():
        assert (tmp_path / "bundle" / name).read_bytes() == data, name
        assert len(data) <= 1 << 20, name
    call_command("places", "postcodes", str(BUNDLE / "wm_postcodes.csv.gz"))
    from places.models import Postcode

    # Inside the seven authorities (Birmingham city centre) kept, Redditch (Worcestershire) left out.
    assert Postcode.objects.count() == 76_376
    assert Postcode.objects.get(postcode="B1 1AA").latitude == pytest.approx(52.47666)
    assert not Postcode.objects.filter(postcode="B80 7DW").exists()
    ingest_counts([BUNDLE / "police_uk_counts/west-midlands-counts-2026.csv.gz"], "west-midlands")
    expected = Counter()
    for r in source_rows(shared_data, {"2026-01", "2026-02", "2026-03"}):
        expected[(r["lsoa_code"], r["category"], f"{r['year']}-{int(r['month']):02d}")] += int(r["crime_count"])
    assert warehouse_totals() == expected


def test_the_bundle_names_the_source_of_every_file_and_the_open_government_licence() -> None:
    """demo/west_midlands/SOURCES.md lists each file of the bundle with where it came from, and gives the
    attribution the Open Government Licence asks for (police.uk, ONS/OS, MHCLG, DfE)."""
    sources = (BUNDLE / "SOURCES.md").read_text(encoding="utf-8")
    listed = {line.split("|")[1].strip().strip("`") for line in sources.splitlines() if line.startswith("| `")}
    files = {str(p.relative_to(BUNDLE)) for p in BUNDLE.rglob("*.gz")}
    named = {name for name in files for entry in listed
             if name == entry or (entry.endswith("YYYY.csv.gz") and name.startswith(entry.split("YYYY")[0]))}
    assert named == files, files - named
    words = " ".join(sources.split())
    for attribution in ("Open Government Licence v3.0", "Contains OS data © Crown copyright",
                        "Police data: police.uk", "Get Information About Schools", "Indices of Deprivation 2025"):
        assert attribution in words, attribution


def test_bad_files_are_refused_by_file_line_and_column_and_nothing_lands(tmp_path: Path) -> None:
    good = write_counts(tmp_path / "good.csv", [["E01008881", "Burglary", "2024-01", "3"]])
    header = write_counts(tmp_path / "header.csv", [["E01008881", "Burglary", "2024-01"]],
                          header=["LSOA code", "Crime type", "Month"])
    rows = write_counts(tmp_path / "rows.csv", [
        ["E01008881", "Burglary", "2024-01", "3"],
        ["Birmingham 067A", "Burglary", "2024-01", "2"],
        ["E01008881", "Violent crime", "2024-01", "2"],
        ["E01008882", "Robbery", "2024-13", "2"],
        ["E01008883", "Robbery", "2024-01", "two"],
        ["E01008881", "Burglary", "2024-01", "4"],
        ["E01008884", "Robbery", "2024-01"],
    ])
    with pytest.raises(InputRejected) as refused:
        ingest_counts([good, header, rows], "west-midlands")
    found = {(Path(p.file).name, p.line, p.column) for p in refused.value.problems}
    assert ("header.csv", 1, "Count") in found
    assert {("rows.csv", 3, "LSOA code"), ("rows.csv", 4, "Crime type"), ("rows.csv", 5, "Month"),
            ("rows.csv", 6, "Count")} <= found
    duplicate = next(p for p in refused.value.problems if Path(p.file).name == "rows.csv" and p.line == 7)
    assert "line 2" in duplicate.message
    assert any(Path(p.file).name == "rows.csv" and p.line == 8 and "found 3" in p.message
               for p in refused.value.problems)
    assert not any(Path(p.file).name == "good.csv" for p in refused.value.problems)
    assert WarehousePartition.objects.count() == 0 and current_files("police") == []
    assert IngestBatch.objects.get().status == "rejected"
    with pytest.raises(CommandError, match="west-midlandz"):
        call_command("ingest", "counts", str(good), "--force", "west-midlandz", "--no-progress")


def test_running_the_same_counts_again_changes_nothing(tmp_path: Path) -> None:
    path = write_counts(tmp_path / "c.csv", [["E01008881", "Burglary", "2024-01", "3"],
                                             ["E01008881", "Robbery", "2024-02", "1"],
                                             ["E01008882", "Robbery", "2024-02", "0"]])
    first = ingest_counts([path], "west-midlands")
    before = set(WarehousePartition.objects.filter(is_current=True).values_list("path", "rows"))
    again = ingest_counts([path], "west-midlands")
    assert (first.status, first.rows_accepted, again.status) == ("landed", 4, "unchanged")
    assert set(WarehousePartition.objects.filter(is_current=True).values_list("path", "rows")) == before
    assert warehouse_totals() == Counter({("E01008881", "Burglary", "2024-01"): 3,
                                          ("E01008881", "Robbery", "2024-02"): 1})


def test_kde_refuses_count_data_and_says_why(tmp_path: Path) -> None:
    ingest_counts([write_counts(tmp_path / "c.csv", [["E01008881", "Burglary", "2024-01", "3"]])], "west-midlands")
    with pytest.raises(InputRejected, match="count data has no points"):
        event_points(FigureQuery(month_from="2024-01", month_to="2024-01"))
    with pytest.raises(CommandError, match="count data has no points"):
        call_command("hotspots", "--method", "kde", "--from", "2024-01", "--to", "2024-01")


def test_months_with_fewer_than_half_the_median_records_are_flagged_not_charted_as_falls() -> None:
    """The bundle's 2024 holds a real cut-short month: 2024-09 (about 3,800 crimes against about 26,000)."""
    from insights.query.access import PUBLIC
    from insights.query.completeness import incomplete_months
    from insights.query.overview import headline_figures, trend

    ingest_counts([BUNDLE / "police_uk_counts/west-midlands-counts-2024.csv.gz"], "west-midlands")
    per_month = Counter()
    for r in read_rows(BUNDLE / "police_uk_counts/west-midlands-counts-2024.csv.gz"):
        per_month[r["Month"]] += int(r["Count"])
    flagged = incomplete_months("police", ["west-midlands"])
    middle = sorted(per_month.values())[len(per_month) // 2 - 1: len(per_month) // 2 + 1]
    assert set(flagged) == {m for m, n in per_month.items() if n < sum(middle) / 4}
    assert "2024-09" in flagged and "2024-08" not in flagged
    rows = {r["month"]: r for r in trend(FigureQuery(month_from="2024-01", month_to="2024-12"), PUBLIC)}
    assert isinstance(rows["2024-09"]["count"], Missing) and "incomplete" in rows["2024-09"]["count"].reason
    assert rows["2024-08"]["count"] == per_month["2024-08"]
    violence = next(r for r in headline_figures(FigureQuery(month_from="2024-07", month_to="2024-12"),
                                                PUBLIC) if r["measure"] == "violence")
    assert isinstance(violence["change"], Missing)
