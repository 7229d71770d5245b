"""Ingest police.uk stop-and-search and outcomes files into the warehouse (open data, as police.uk publishes).

**Stop and search** (``2019-06-greater-manchester-stop-and-search.csv``, one file per force and month): ``Type,
Date, Part of a policing operation, Policing operation, Latitude, Longitude, Gender, Age range, Self-defined
ethnicity, Officer-defined ethnicity, Legislation, Object of search, Outcome, Outcome linked to object of
search, Removal of more than just outer clothing``. The month and force come from the file's name (police.uk
files a search under the month it publishes it in; a search late on the last day of the previous month is in
the next month's file, and stays there). Searches are kept as police.uk publishes them, point included: every
record is already public.

**Outcomes** (``2024-01-west-midlands-outcomes.csv``): ``Crime ID, Month, Reported by, Falls within,
Longitude, Latitude, Location, LSOA code, LSOA name, Outcome type``: one row per outcome of a crime, linked to
the crime by its Crime ID (``crime_outcomes``).

Validation, all-or-nothing and re-running as for street-level files (``insights.ingest.staging``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from core.files import sha256_of
from core.problems import Problem
from insights.ingest import staging
from insights.ingest.staging import StagedFile, coordinate_check
from insights.services.duck import sql_text
from partners.sources import OUTCOMES, STOP_SEARCH

STOP_SEARCH_COLUMNS = ["Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude",
                       "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation",
                       "Object of search", "Outcome", "Outcome linked to object of search",
                       "Removal of more than just outer clothing"]
OUTCOME_COLUMNS = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                   "LSOA code", "LSOA name", "Outcome type"]
SEARCH_TYPES = ("Person search", "Vehicle search", "Person and Vehicle search")
AGE_RANGES = ("under 10", "10-17", "18-24", "25-34", "over 34")
STOP_SEARCH_FILE = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+)-stop-and-search\.csv$")
OUTCOMES_FILE = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+)-outcomes\.csv$")
#: The object of search the success measures and the page single out.
OFFENSIVE_WEAPONS = "Offensive weapons"


def _read_options(columns: list[str], index: int) -> str:
    spec = "{" + ", ".join(f"{sql_text(c)}: 'VARCHAR'" for c in columns) + "}"
    return (f"header = true, auto_detect = false, columns = {spec}, delim = ',', quote = '\"', escape = '\"', "
            f"store_rejects = true, rejects_table = 'rejects_{index}', rejects_scan = 'scan_{index}'")


def _boolean(column: str) -> str:
    return f"""CASE lower(coalesce("{column}", '')) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"""


def _boolean_check(column: str) -> tuple[str, str]:
    return (column, f"""CASE WHEN lower(coalesce("{column}", '')) NOT IN ('true', 'false', '')
                          THEN '''' || "{column}" || ''' is not True, False or empty' END""")


def _stop_search_sql(month: str, force: str) -> tuple[str, list[tuple[str, str]]]:
    typed = f"""
        "Type" AS search_type,
        TRY_CAST("Date" AS TIMESTAMPTZ) AS searched_at,
        DATE {sql_text(month + '-01')} AS month,
        {sql_text(force)} AS force,
        {_boolean('Part of a policing operation')} AS part_of_operation,
        NULLIF("Policing operation", '') AS policing_operation,
        TRY_CAST(NULLIF("Longitude", '') AS DOUBLE) AS longitude,
        TRY_CAST(NULLIF("Latitude", '') AS DOUBLE) AS latitude,
        NULLIF("Gender", '') AS gender,
        NULLIF("Age range", '') AS age_range,
        NULLIF("Self-defined ethnicity", '') AS self_defined_ethnicity,
        NULLIF("Officer-defined ethnicity", '') AS officer_defined_ethnicity,
        NULLIF("Legislation", '') AS legislation,
        NULLIF("Object of search", '') AS object_of_search,
        NULLIF("Outcome", '') AS outcome,
        {_boolean('Outcome linked to object of search')} AS outcome_linked,
        {_boolean('Removal of more than just outer clothing')} AS removal_of_clothing"""
    types = ", ".join(sql_text(t) for t in SEARCH_TYPES)
    ages = ", ".join(sql_text(a) for a in AGE_RANGES)
    checks = [
        ("Type", f"""CASE WHEN coalesce("Type", '') NOT IN ({types})
                     THEN 'search type ' || coalesce('''' || "Type" || '''', '(empty)') || ' is not one of '
                          || {sql_text(', '.join(SEARCH_TYPES))} END"""),
        ("Date", """CASE WHEN TRY_CAST("Date" AS TIMESTAMPTZ) IS NULL
                    THEN 'date ' || coalesce('''' || "Date" || '''', '(empty)')
                         || ' is not an ISO date and time' END"""),
        ("Age range", f"""CASE WHEN coalesce("Age range", '') NOT IN ('', {ages})
                          THEN 'age range ''' || "Age range" || ''' is not one of police.uk''s' END"""),
        ("Longitude", coordinate_check('"Longitude"', '"Latitude"')),
        _boolean_check("Part of a policing operation"),
        _boolean_check("Outcome linked to object of search"),
        _boolean_check("Removal of more than just outer clothing"),
    ]
    return typed, checks


def _outcomes_sql(month: str, force: str) -> tuple[str, list[tuple[str, str]]]:
    typed = f"""
        NULLIF(trim("Crime ID"), '') AS crime_id,
        TRY_CAST("Month" || '-01' AS DATE) AS month,
        {sql_text(force)} AS force,
        "Reported by" AS reported_by,
        "Falls within" AS falls_within,
        TRY_CAST(NULLIF("Longitude", '') AS DOUBLE) AS longitude,
        TRY_CAST(NULLIF("Latitude", '') AS DOUBLE) AS latitude,
        NULLIF("LSOA code", '') AS lsoa_code,
        NULLIF("Outcome type", '') AS outcome_type"""
    checks = [
        ("Crime ID", """CASE WHEN coalesce(trim("Crime ID"), '') = ''
                        THEN 'an outcome needs the Crime ID it is for' END"""),
        ("Month", f"""CASE WHEN "Month" IS DISTINCT FROM {sql_text(month)}
                      THEN 'month ' || coalesce('''' || "Month" || '''', '(empty)') || ' is not the file''s month '
                           || {sql_text(month)} END"""),
        ("Outcome type", """CASE WHEN coalesce("Outcome type", '') = '' THEN 'an outcome type must be given' END"""),
        ("Longitude", coordinate_check('"Longitude"', '"Latitude"')),
    ]
    return typed, checks


def _stage_file(con, path: Path, index: int, source: str) -> StagedFile:
    name = str(path)
    checksum = sha256_of(path)
    pattern, columns, builder = ((STOP_SEARCH_FILE, STOP_SEARCH_COLUMNS, _stop_search_sql) if source == STOP_SEARCH
                                 else (OUTCOMES_FILE, OUTCOME_COLUMNS, _outcomes_sql))
    match = pattern.match(path.name.lower())
    if not match or not 1 <= int(match["month"][5:]) <= 12:
        kind = "stop-and-search" if source == STOP_SEARCH else "outcomes"
        return StagedFile(name, path, checksum, None, problems=[Problem(
            name, f"police.uk names {kind} files YYYY-MM-<force>-{kind}.csv; the month and force come from the name")])
    try:
        with open(path, encoding="utf-8-sig") as handle:
            header = [h.strip() for h in handle.readline().rstrip("\r\n").split(",")]
    except (OSError, UnicodeDecodeError) as exc:
        return StagedFile(name, path, checksum, None, problems=[Problem(name, f"cannot be read: {exc}")])
    missing = [Problem(name, "missing column", 1, c) for c in columns if c not in header]
    if missing:
        return StagedFile(name, path, checksum, None, problems=missing)
    typed, checks = builder(match["month"], match["force"])
    source_sql = f"(SELECT * FROM read_csv({sql_text(name)}, {_read_options(columns, index)}))"
    return staging.stage(con, source, f"stage_{index}", name, path, checksum, source_sql, typed, checks,
                         rejects_table=f"rejects_{index}",
                         without_id_sql="crime_id IS NULL" if source == OUTCOMES else None)


def _ingest(source: str, fmt: str, paths: Iterable[Path], actor: object, accept_partial: bool,
            progress: Callable[[Iterable], Iterable] | None) -> staging.IngestSummary:
    def stage_all(con, workdir: Path):
        files = [Path(p) for p in paths]
        glob = "*-stop-and-search.csv" if source == STOP_SEARCH else "*-outcomes.csv"
        expanded = [c for p in files for c in (sorted(p.glob(glob)) if p.is_dir() else [p])]
        missing = [Problem(str(p), "file not found") for p in expanded if not p.exists()]
        present = [p for p in expanded if p.exists()]
        staged = [_stage_file(con, p, i, source) for i, p in enumerate(progress(present) if progress else present)]
        return staged, [], missing

    return staging.run_batch(source, fmt, stage_all, actor, accept_partial, provider_column="force")


def ingest_stop_search(paths: Iterable[Path], actor: object = "cli", accept_partial: bool = False,
                       progress: Callable[[Iterable], Iterable] | None = None) -> staging.IngestSummary:
    """Ingest police.uk stop-and-search CSVs as one batch; partitions are (month, force)."""
    return _ingest(STOP_SEARCH, "police-uk-stop-and-search", paths, actor, accept_partial, progress)


def ingest_outcomes(paths: Iterable[Path], actor: object = "cli", accept_partial: bool = False,
                    progress: Callable[[Iterable], Iterable] | None = None) -> staging.IngestSummary:
    """Ingest police.uk outcomes CSVs as one batch; partitions are (month, force)."""
    return _ingest(OUTCOMES, "police-uk-outcomes", paths, actor, accept_partial, progress)
