"""``SourceSpec``: a source described once is checked when it is defined, and a new one ingests end to end."""

import importlib
import re
from pathlib import Path

import duckdb
import pytest

from core import sources
from core.problems import InputRejected
from insights.ingest import staging
from insights.ingest.spec import Check, Column, SourceSpec, registered
from insights.ingest.warehouse import current_files
from insights.models import IngestBatch

pytestmark = pytest.mark.django_db

MONTH = Column("month", "month", "Month")


def all_specs() -> list[SourceSpec]:
    """Every source the platform ingests into the warehouse (importing a source module registers its spec)."""
    for module in ("insights.ingest.counts", "insights.ingest.ed", "insights.ingest.police_api",
                   "insights.ingest.police_uk", "partners.services.stop_search"):
        importlib.import_module(module)
    return registered()


def test_a_column_of_an_unknown_type_is_refused_where_it_is_written() -> None:
    with pytest.raises(ValueError, match="unknown type 'float'"):
        Column("rate", "float", "Rate")


def test_a_spec_naming_columns_it_does_not_keep_is_refused_at_definition() -> None:
    with pytest.raises(ValueError) as refused:
        SourceSpec(format="toy", source="toy", disclosure="public", fields=("Month", "Site"),
                   columns=(MONTH, Column("site", "text", "Ward")), provider="site_code",
                   identifier="id", location=("lsoa_code",), drop=("x",),
                   checks=(Check("Wrad", "NULL"),))
    message = str(refused.value)
    for expected in ("disclosure class 'public'", "provider column 'site_code'", "identifier column 'id'",
                     "location column 'lsoa_code'", "drop column 'x'", "reads field 'Ward'",
                     "check is about field 'Wrad'"):
        assert expected in message


def test_a_spec_without_a_month_is_refused() -> None:
    with pytest.raises(ValueError, match="no month column"):
        SourceSpec(format="toy", source="toy", disclosure="open", fields=("Site",),
                   columns=(Column("site", "text", "Site"),), provider="site", location=())


def test_every_registered_source_has_the_disclosure_class_of_its_registered_source() -> None:
    """Each spec's class is open or controlled and is the class ``core.sources`` gives the source by default,
    so a new spec cannot land rows of a source the registry does not know or classes differently."""
    specs = all_specs()
    assert {s.format for s in specs} >= {"police-uk-csv", "police-uk-api", "police-uk-counts", "istv-csv",
                                         "police-uk-stop-and-search", "police-uk-outcomes"}
    for spec in specs:
        assert spec.disclosure in sources.CLASSES
        source = sources.get(spec.source)
        assert source is not None, f"{spec.format} lands in {spec.source!r}, which no sources.py registers"
        assert spec.disclosure == (sources.OPEN if source.open_data else sources.CONTROLLED), spec.format


def test_the_police_formats_land_the_same_columns() -> None:
    """Street-level files, API records and counts share one warehouse source, so one schema."""
    by_format = {s.format: s for s in all_specs()}
    shapes = {fmt: [(c.name, c.type) for c in by_format[fmt].columns]
              for fmt in ("police-uk-csv", "police-uk-api", "police-uk-counts")}
    assert shapes["police-uk-api"] == shapes["police-uk-csv"]
    assert shapes["police-uk-counts"] == shapes["police-uk-csv"]


TOY = SourceSpec(
    format="toy-csv", source="toy", disclosure="controlled", fields=("Site", "Month", "Visits", "LSOA code"),
    columns=(Column("site", "text", sql='upper(trim("Site"))'), MONTH, Column("visits", "integer", "Visits"),
             Column("lsoa_code", "text", "LSOA code")),
    checks=(Check("Visits", """CASE WHEN TRY_CAST("Visits" AS BIGINT) IS NULL
                                THEN 'visits ' || coalesce('''' || "Visits" || '''', '(empty)')
                                     || ' is not a whole number' END"""),
            Check("Month", """CASE WHEN NOT regexp_full_match(coalesce("Month", ''), '\\d{4}-\\d{2}')
                              THEN 'month is not YYYY-MM' END""")),
    provider="site", location=("lsoa_code",), file_name=re.compile(r"(?P<site>[a-z]+)-visits\.csv$"))


def ingest_toy(paths: list[Path], accept_partial: bool = False) -> staging.IngestSummary:
    def stage_all(con, workdir):
        return [staging.stage(con, TOY, str(p), p, p.name + str(p.stat().st_size), i)
                for i, p in enumerate(paths)], [], []

    return staging.run_batch(TOY, stage_all, "test", accept_partial)


def test_a_new_spec_ingests_a_csv_with_named_errors_whole_or_not_at_all_and_once(tmp_path: Path) -> None:
    bad = tmp_path / "north-visits.csv"
    bad.write_text("Site,Month,Visits,LSOA code\nnorth,2024-01,3,E01000001\nnorth,2024-1,lots,\n")
    with pytest.raises(InputRejected) as refused:
        ingest_toy([bad])
    named = {(p.file, p.line, p.column, p.message) for p in refused.value.problems if p.file != "batch"}
    assert named == {(str(bad), 3, "Visits", "visits 'lots' is not a whole number"),
                     (str(bad), 3, "Month", "month is not YYYY-MM")}
    assert current_files("toy") == []
    assert IngestBatch.objects.get().status == IngestBatch.Status.REJECTED

    good = tmp_path / "south-visits.csv"
    good.write_text("Site,Month,Visits,LSOA code\nsouth,2024-01,3,E01000001\nsouth ,2024-02,5,\n")
    summary = ingest_toy([good])
    assert summary.status == IngestBatch.Status.LANDED
    assert summary.rows_accepted == 2 and summary.files[0].rows_without_location == 1
    rows = duckdb.sql(f"SELECT site, strftime(month, '%Y-%m'), visits FROM read_parquet({current_files('toy')!r}) "
                      "ORDER BY month").fetchall()
    assert rows == [("SOUTH", "2024-01", 3), ("SOUTH", "2024-02", 5)]
    assert duckdb.sql(f"SELECT DISTINCT typeof(visits) FROM read_parquet({current_files('toy')!r})").fetchall() == [
        ("BIGINT",)]
    assert ingest_toy([good]).status == IngestBatch.Status.UNCHANGED


def test_the_file_name_gives_each_row_its_fields(tmp_path: Path) -> None:
    spec = SourceSpec(format="toy-named", source="toy", disclosure="controlled", fields=("Month",),
                      columns=(MONTH, Column("site", "text", sql="site_in_name")), provider="site", location=(),
                      file_name=TOY.file_name)
    path = tmp_path / "east-visits.csv"
    path.write_text("Month\n2024-03\n")
    con = duckdb.connect()
    staged = staging.stage(con, spec, path.name, path, "x", 0)
    assert staged.problems == []
    assert con.execute(f"SELECT site FROM {staged.table}").fetchall() == [("east",)]


def contributing_example() -> str:
    """The code of CONTRIBUTING.md's "Adding a source"."""
    text = (Path(__file__).resolve().parents[2] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("## Adding a source", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_example_in_contributing_ingests_as_it_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page of code a newcomer copies works: named problems, then rows landed by (month, trust), then once."""
    import insights.ingest.spec

    monkeypatch.setattr(insights.ingest.spec, "register", lambda spec: spec)  # not a source the platform ingests
    example: dict = {}
    exec(compile(contributing_example(), "CONTRIBUTING.md", "exec"), example)  # noqa: S102 - our own document
    path = tmp_path / "rkb-referrals.csv"
    path.write_text("Trust,Week,Referrals,LSOA code\nRKB,2024-01-01,3,E01000001\nRKB,2024-01-08,-2,X1\n")
    with pytest.raises(InputRejected) as refused:
        example["ingest_referrals"]([path])
    assert {(p.line, p.column) for p in refused.value.problems if p.file == str(path)} == {
        (3, "Referrals"), (3, "LSOA code")}
    path.write_text("Trust,Week,Referrals,LSOA code\nRKB,2024-01-01,3,E01000001\nRKB,2024-02-05,2,\n")
    summary = example["ingest_referrals"]([path])
    assert summary.status == IngestBatch.Status.LANDED
    assert sorted(summary.files[0].months) == ["2024-01", "2024-02"] and summary.files[0].providers == ["rkb"]
    assert summary.files[0].rows_without_location == 1
    assert example["ingest_referrals"]([path]).status == IngestBatch.Status.UNCHANGED
