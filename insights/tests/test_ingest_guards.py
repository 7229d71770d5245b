"""Ingest guards (issues 15 and 16): a smaller re-download does not replace a complete month unasked; one
malformed line is one problem; reject reports are capped and written only when asked for; zips are bounded
before they are read."""

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from core.problems import InputRejected
from core.testing.police_files import read_rows, warehouse_counts, write_rows
from insights.ingest.police_uk import ingest_police_uk
from insights.ingest.staging import MAX_PROBLEMS_PER_FILE
from insights.ingest.warehouse import current_files
from insights.models import IngestBatch, WarehousePartition

pytestmark = pytest.mark.django_db


def reports_written() -> list[Path]:
    folder = Path(settings.VRP_DATA_DIR) / "reports"
    return sorted(folder.glob("*.csv")) if folder.exists() else []


def test_a_smaller_newer_file_is_refused_naming_both_counts(small_street_file: Path, sample_rows: list,
                                                             tmp_path: Path) -> None:
    ingest_police_uk([small_street_file])
    before = warehouse_counts()
    (tmp_path / "newer").mkdir()
    cut = len(sample_rows) // 2
    newer = write_rows(tmp_path / "newer" / "2024-03-dyfed-powys-street.csv", sample_rows[:cut])
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([newer])
    message = str(caught.value.problems[0])
    assert f"{cut:,} rows" in message and f"holds {len(sample_rows):,}" in message
    assert "--replace-smaller" in str(caught.value.problems[-1])
    assert warehouse_counts() == before
    summary = ingest_police_uk([newer], replace_smaller=True)
    assert summary.status == "landed"
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): cut})


def test_a_newer_file_within_one_percent_replaces_without_asking(small_street_file: Path, sample_rows: list,
                                                                  tmp_path: Path) -> None:
    assert len(sample_rows) > 100  # one row fewer is under 1%
    ingest_police_uk([small_street_file])
    (tmp_path / "newer").mkdir()
    newer = write_rows(tmp_path / "newer" / "2024-03-dyfed-powys-street.csv", sample_rows[:-1])
    ingest_police_uk([newer])
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): len(sample_rows) - 1})


def _truncated_copy(source: Path, target: Path) -> Path:
    """The file cut off in the middle of a line, as an interrupted download leaves it."""
    text = source.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    target.write_text("".join(lines[:-40]) + lines[-40][:25], encoding="utf-8")
    return target


def test_a_cut_off_download_with_accept_partial_does_not_replace_the_complete_month(
        small_street_file: Path, sample_rows: list, tmp_path: Path) -> None:
    ingest_police_uk([small_street_file])
    full = write_rows(tmp_path / "full.csv", sample_rows)
    (tmp_path / "again").mkdir()
    cut = _truncated_copy(full, tmp_path / "again" / "2024-03-dyfed-powys-street.csv")
    with pytest.raises(InputRejected, match="fewer"):
        ingest_police_uk([cut], accept_partial=True)
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): len(sample_rows)})


def test_one_cut_off_line_is_one_problem_and_the_manifest_keeps_the_report(sample_rows: list,
                                                                            tmp_path: Path) -> None:
    full = write_rows(tmp_path / "full.csv", sample_rows)
    cut = _truncated_copy(full, tmp_path / "2024-03-dyfed-powys-street.csv")
    summary = ingest_police_uk([cut], accept_partial=True)
    assert summary.status == "partial"
    assert [p.line for p in summary.problems] == [len(sample_rows) - 39 + 1]
    batch = IngestBatch.objects.get(pk=summary.batch_id)
    assert batch.report_path == summary.report_path and Path(batch.report_path).exists()
    report = read_rows(Path(batch.report_path))
    assert len(report) == 1 and report[0]["line"] == str(len(sample_rows) - 38)


def test_no_report_is_written_unless_accept_partial_asks(sample_rows: list, tmp_path: Path) -> None:
    rows = [dict(r) for r in sample_rows]
    rows[3]["Crime type"] = "Nonsense"
    path = write_rows(tmp_path / "2024-03-dyfed-powys-street.csv", rows)
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([path])
    assert reports_written() == []
    assert "report" in str(caught.value.problems[-1]) and "--accept-partial" in str(caught.value.problems[-1])
    assert IngestBatch.objects.get(status="rejected").report_path == ""


def test_twenty_thousand_extra_columns_are_one_problem_and_a_small_report(sample_rows: list,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "2024-03-dyfed-powys-street.csv"
    extra = [f"x{i}" for i in range(20_000)]
    write_rows(path, sample_rows[:50], header=[*sample_rows[0], *extra])
    summary = ingest_police_uk([path], accept_partial=True)
    header_problems = [p for p in summary.problems if p.line == 1]
    assert len(header_problems) == 1 and "20,000 unexpected columns" in header_problems[0].message
    report = reports_written()
    assert len(report) == 1 and report[0].stat().st_size < 10_000
    assert report[0].read_text().count("file,line,column,problem,row") == 1


def test_problems_per_file_are_capped_at_the_first_thousand_and_the_total(sample_rows: list,
                                                                           tmp_path: Path) -> None:
    rows = [dict(sample_rows[i % len(sample_rows)]) for i in range(1_500)]
    for row in rows:
        row["Crime type"] = "Nonsense"
    path = write_rows(tmp_path / "2024-03-dyfed-powys-street.csv", rows)
    summary = ingest_police_uk([path], accept_partial=True)
    assert summary.rows_rejected == 1_500
    assert len(summary.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert "1,500 rows have problems in all" in summary.problems[-1].message
    report = read_rows(Path(summary.report_path))
    assert len(report) == MAX_PROBLEMS_PER_FILE + 1
    assert report[-1]["problem"].startswith("1,500 rows")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = tmp_path / "2024-03.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("2024-03/2024-03-dyfed-powys-street.csv", "w") as member:
        block = b"0" * (1 << 20)
        for _ in range(64):
            member.write(block)
    assert bomb.stat().st_size < 200_000  # 64 MB in under 0.2 MB
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([bomb])
    assert "times its size" in caught.value.problems[0].message
    assert not current_files("police") and not WarehousePartition.objects.exists()
    assert not list(Path(settings.VRP_DATA_DIR).glob("tmp/batch-*/unzipped/*"))


def test_a_zip_over_the_total_limit_is_refused(small_street_file: Path, tmp_path: Path, settings) -> None:
    import gzip

    archive = tmp_path / "2024-03.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("2024-03/2024-03-dyfed-powys-street.csv", gzip.decompress(small_street_file.read_bytes()) * 80)
    settings.VRP_ARCHIVE_MAX_EXPANDED_MB = 1
    with pytest.raises(InputRejected, match="VRP_ARCHIVE_MAX_EXPANDED_MB"):
        ingest_police_uk([archive])


def test_a_smaller_counts_file_is_refused_and_vrp_ingest_counts_takes_replace_smaller(tmp_path: Path) -> None:
    """The guard holds for every source's files, and each `vrp ingest` subcommand that the refusal points to
    has --replace-smaller (real West Midlands counts for 2024-03, from the demo bundle)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from core.testing.police_files import write_counts

    bundle = (Path(__file__).resolve().parents[2] / "demo/west_midlands/police_uk_counts"
              / "west-midlands-counts-2024.csv.gz")
    march = [[r["LSOA code"], r["Crime type"], r["Month"], r["Count"]] for r in read_rows(bundle)
             if r["Month"] == "2024-03" and r["LSOA code"] < "E01009000"]
    crimes = sum(int(r[3]) for r in march)
    full = write_counts(tmp_path / "full.csv", march)
    call_command("ingest", "counts", str(full), "--force", "west-midlands", "--no-progress", stdout=StringIO())
    half = march[: len(march) // 2]
    cut = write_counts(tmp_path / "cut.csv", half)
    kept = sum(int(r[3]) for r in half)
    with pytest.raises(CommandError) as caught:
        call_command("ingest", "counts", str(cut), "--force", "west-midlands", "--no-progress", stdout=StringIO())
    assert f"{kept:,} rows to land but the warehouse holds {crimes:,}" in str(caught.value)
    assert "--replace-smaller" in str(caught.value)
    assert warehouse_counts() == Counter({("west-midlands", "2024-03"): crimes})
    call_command("ingest", "counts", str(cut), "--force", "west-midlands", "--replace-smaller", "--no-progress",
                 stdout=StringIO())
    assert warehouse_counts() == Counter({("west-midlands", "2024-03"): kept})
    for source in ("police-uk-api", "ed", "stop-and-search", "outcomes"):
        with pytest.raises(CommandError, match="file not found"):
            call_command("ingest", source, str(tmp_path / "none.csv"), *(["--force", "west-midlands"]
                         if source == "police-uk-api" else []), "--replace-smaller", "--no-progress",
                         stdout=StringIO())


def test_an_unterminated_quote_is_one_problem_that_counts_the_lines_it_swallows(sample_rows: list,
                                                                                tmp_path: Path) -> None:
    """A quote opened and never closed makes the rest of the file one value: the problem names its line and says
    so, and the lines after it are counted as rejected, not left out of the summary unseen."""
    full = write_rows(tmp_path / "full.csv", sample_rows)
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = 10  # the line (the header is line 1) whose last field opens a quote
    lines[broken - 1] = lines[broken - 1].rstrip("\r\n") + ',"unclosed\n'
    path = tmp_path / "2024-03-dyfed-powys-street.csv"
    path.write_text("".join(lines), encoding="utf-8")
    summary = ingest_police_uk([path], accept_partial=True)
    assert [p.line for p in summary.problems] == [broken]
    after = len(lines) - broken
    assert f"the {after:,} lines after it were read as part of this one" in summary.problems[0].message
    assert (summary.rows_accepted, summary.rows_rejected) == (broken - 2, 1 + after)
    assert summary.rows_accepted + summary.rows_rejected == len(sample_rows)
    assert warehouse_counts() == Counter({("dyfed-powys", "2024-03"): broken - 2})


def test_line_endings_that_change_part_way_are_named_by_line(sample_rows: list, tmp_path: Path) -> None:
    """DuckDB's reader stops at a file whose lines end in CRLF and then, part-way, in LF (two files joined, or
    a line edited by hand) saying only that its state machine failed: the problem names the first such line."""
    full = write_rows(tmp_path / "full.csv", sample_rows)
    data = full.read_bytes()
    assert data.count(b"\r\n") == len(sample_rows) + 1  # the csv module writes CRLF
    lines = data.split(b"\r\n")
    changed = 20
    lines[changed - 1] = lines[changed - 1][:70]  # cut short, and ending in LF
    path = tmp_path / "2024-03-dyfed-powys-street.csv"
    path.write_bytes(b"\r\n".join(lines[:changed - 1]) + b"\r\n" + lines[changed - 1] + b"\n"
                     + b"\r\n".join(lines[changed:]))
    with pytest.raises(InputRejected) as caught:
        ingest_police_uk([path])
    first = caught.value.problems[0]
    assert (first.line, first.message) == (changed, "cannot be read: its lines end in CRLF until this one, which "
                                                     "ends in LF (line endings must not change part-way: save the "
                                                     "file again with one kind)")
    assert not current_files("police")
