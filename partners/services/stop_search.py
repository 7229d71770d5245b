"""Ingest police.uk stop-and-search and outcomes files into the warehouse (open data, as police.uk publishes).

**Stop and search** (``2019-06-greater-manchester-stop-and-search.csv``, one file per force and month): ``Type,
Date, Part of a policing operation, Policing operation, Latitude, Longitude, Gender, Age range, Self-defined
ethnicity, Officer-defined ethnicity, Legislation, Object of search, Outcome, Outcome linked to object of
search, Removal of more than just outer clothing``. The month and force come from the file's name (police.uk
files a search under the month it publishes it in; a search late on the last day of the previous month is in
the next month's file, and stays there). Searches are kept as police.uk publishes them, point included: every
record is already public. Each search with a point is placed in the LSOA whose loaded boundary holds it
(``geography.services.locate``, as the police.uk API records and ISTV coordinates are): ``lsoa_code``. A point
in no loaded boundary (another force's area) and a search without a point keep no LSOA; they still count.

**Outcomes** (``2024-01-west-midlands-outcomes.csv``): ``Crime ID, Month, Reported by, Falls within,
Longitude, Latitude, Location, LSOA code, LSOA name, Outcome type``: one row per outcome of a crime, linked to
the crime by its Crime ID (``crime_outcomes``).

Validation, all-or-nothing and re-running as for street-level files (``insights.ingest.staging``); each kind of
file is described by its ``SourceSpec``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from core.files import sha256_of
from core.problems import Problem
from core.sources import OPEN
from geography.services.locate import lsoa_for_points
from insights.ingest import staging
from insights.ingest.spec import Check, Column, SourceSpec, register
from insights.ingest.staging import StagedFile, coordinate_check
from insights.query.duck import sql_text
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


def _boolean_check(field: str) -> Check:
    return Check(field, f"""CASE WHEN lower(coalesce("{field}", '')) NOT IN ('true', 'false', '')
                            THEN '''' || "{field}" || ''' is not True, False or empty' END""")


#: A file's month, from its name (police.uk files a search under the month it publishes it in).
MONTH_IN_NAME = "TRY_CAST(month_in_name || '-01' AS DATE)"
_TYPES = ", ".join(sql_text(t) for t in SEARCH_TYPES)
_AGES = ", ".join(sql_text(a) for a in AGE_RANGES)

#: police.uk stop and search: open data, kept as police.uk publishes it, point included.
STOP_SEARCH_SPEC = register(SourceSpec(
    format="police-uk-stop-and-search", source=STOP_SEARCH, disclosure=OPEN, fields=tuple(STOP_SEARCH_COLUMNS),
    file_name=STOP_SEARCH_FILE,
    columns=(
        Column("search_type", "text", sql='"Type"'),
        Column("searched_at", "timestamptz", "Date"),
        Column("month", "month", sql=MONTH_IN_NAME),
        Column("force", "text", sql="force_in_name"),
        Column("part_of_operation", "boolean", "Part of a policing operation"),
        Column("policing_operation", "text", "Policing operation"),
        Column("longitude", "number", "Longitude"),
        Column("latitude", "number", "Latitude"),
        Column("gender", "text", "Gender"),
        Column("age_range", "text", "Age range"),
        Column("self_defined_ethnicity", "text", "Self-defined ethnicity"),
        Column("officer_defined_ethnicity", "text", "Officer-defined ethnicity"),
        Column("legislation", "text", "Legislation"),
        Column("object_of_search", "text", "Object of search"),
        Column("outcome", "text", "Outcome"),
        Column("outcome_linked", "boolean", "Outcome linked to object of search"),
        Column("removal_of_clothing", "boolean", "Removal of more than just outer clothing"),
        # Filled after staging from the loaded LSOA boundaries (``_locate``); police.uk gives only the point.
        Column("lsoa_code", "text", sql="NULL::VARCHAR"),
    ),
    checks=(
        Check("Type", f"""CASE WHEN coalesce("Type", '') NOT IN ({_TYPES})
                          THEN 'search type ' || coalesce('''' || "Type" || '''', '(empty)') || ' is not one of '
                               || {sql_text(', '.join(SEARCH_TYPES))} END"""),
        Check("Date", """CASE WHEN TRY_CAST("Date" AS TIMESTAMPTZ) IS NULL
                         THEN 'date ' || coalesce('''' || "Date" || '''', '(empty)')
                              || ' is not an ISO date and time' END"""),
        Check("Age range", f"""CASE WHEN coalesce("Age range", '') NOT IN ('', {_AGES})
                               THEN 'age range ''' || "Age range" || ''' is not one of police.uk''s' END"""),
        Check("Longitude", coordinate_check('"Longitude"', '"Latitude"')),
        _boolean_check("Part of a policing operation"),
        _boolean_check("Outcome linked to object of search"),
        _boolean_check("Removal of more than just outer clothing"),
    ),
    provider="force", location=("lsoa_code", "longitude")))

#: police.uk outcomes: one row per outcome of a crime, linked to it by its Crime ID.
OUTCOMES_SPEC = register(SourceSpec(
    format="police-uk-outcomes", source=OUTCOMES, disclosure=OPEN, fields=tuple(OUTCOME_COLUMNS),
    file_name=OUTCOMES_FILE,
    columns=(
        Column("crime_id", "text", sql="""NULLIF(trim("Crime ID"), '')"""),
        Column("month", "month", "Month"),
        Column("force", "text", sql="force_in_name"),
        Column("reported_by", "text", sql='"Reported by"'),
        Column("falls_within", "text", sql='"Falls within"'),
        Column("longitude", "number", "Longitude"),
        Column("latitude", "number", "Latitude"),
        Column("lsoa_code", "text", "LSOA code"),
        Column("outcome_type", "text", "Outcome type"),
    ),
    checks=(
        Check("Crime ID", """CASE WHEN coalesce(trim("Crime ID"), '') = ''
                             THEN 'an outcome needs the Crime ID it is for' END"""),
        Check("Month", """CASE WHEN "Month" IS DISTINCT FROM month_in_name
                          THEN 'month ' || coalesce('''' || "Month" || '''', '(empty)') || ' is not the file''s month '
                               || month_in_name END"""),
        Check("Outcome type", """CASE WHEN coalesce("Outcome type", '') = ''
                                 THEN 'an outcome type must be given' END"""),
        Check("Longitude", coordinate_check('"Longitude"', '"Latitude"')),
    ),
    provider="force", identifier="crime_id", location=("longitude",)))
SPECS = {STOP_SEARCH: STOP_SEARCH_SPEC, OUTCOMES: OUTCOMES_SPEC}


def _stage_file(con, path: Path, index: int, spec: SourceSpec) -> StagedFile:
    name = str(path)
    checksum = sha256_of(path)
    match = spec.file_name.match(path.name.lower())
    if not match or not 1 <= int(match["month"][5:]) <= 12:
        kind = "stop-and-search" if spec.source == STOP_SEARCH else "outcomes"
        return StagedFile(name, path, checksum, None, problems=[Problem(
            name, f"police.uk names {kind} files YYYY-MM-<force>-{kind}.csv; the month and force come from the name")])
    try:
        with open(path, encoding="utf-8-sig") as handle:
            header = [h.strip() for h in handle.readline().rstrip("\r\n").split(",")]
    except (OSError, UnicodeDecodeError) as exc:
        return StagedFile(name, path, checksum, None, problems=[Problem(name, f"cannot be read: {exc}")])
    missing = [Problem(name, "missing column", 1, c) for c in spec.fields if c not in header]
    if missing:
        return StagedFile(name, path, checksum, None, problems=missing)
    staged = staging.stage(con, spec, name, path, checksum, index)
    if staged.table and spec.source == STOP_SEARCH:
        _locate(con, staged)
    return staged


def _locate(con, staged: StagedFile) -> None:
    """Place each search with a point in the LSOA whose loaded boundary holds it (point-in-polygon); a point in
    none keeps no LSOA (a search in another force's area is still a search). Notes what could not be placed."""
    rows = con.execute(f"""SELECT _line, longitude, latitude FROM {staged.table}
                           WHERE longitude IS NOT NULL AND latitude IS NOT NULL AND _problem IS NULL""").fetchall()
    if not rows:
        return
    codes = lsoa_for_points([r[1] for r in rows], [r[2] for r in rows])
    if codes is None:
        staged.notes.append("no LSOA boundaries are loaded, so these searches have no LSOA; load them with "
                            "`vrp geography boundaries` before ingesting stop and search")
        return
    located = pa.table({"_line": [r[0] for r in rows], "code": codes})
    con.register("located", located)
    try:
        con.execute(f"""UPDATE {staged.table} SET lsoa_code = located.code FROM located
                        WHERE {staged.table}._line = located._line""")
    finally:
        con.unregister("located")


def _ingest(spec: SourceSpec, paths: Iterable[Path], actor: object, accept_partial: bool,
            progress: Callable[[Iterable], Iterable] | None, replace_smaller: bool = False) -> staging.IngestSummary:
    def stage_all(con, workdir: Path):
        files = [Path(p) for p in paths]
        glob = "*-stop-and-search.csv" if spec.source == STOP_SEARCH else "*-outcomes.csv"
        expanded = [c for p in files for c in (sorted(p.glob(glob)) if p.is_dir() else [p])]
        missing = [Problem(str(p), "file not found") for p in expanded if not p.exists()]
        present = [p for p in expanded if p.exists()]
        staged = [_stage_file(con, p, i, spec) for i, p in enumerate(progress(present) if progress else present)]
        return staged, [], missing

    return staging.run_batch(spec, stage_all, actor, accept_partial, replace_smaller=replace_smaller)


def ingest_stop_search(paths: Iterable[Path], actor: object = "cli", accept_partial: bool = False,
                       progress: Callable[[Iterable], Iterable] | None = None,
                       replace_smaller: bool = False) -> staging.IngestSummary:
    """Ingest police.uk stop-and-search CSVs as one batch; partitions are (month, force). A month held already
    is not replaced by one with more than 1% fewer rows unless ``replace_smaller``."""
    return _ingest(STOP_SEARCH_SPEC, paths, actor, accept_partial, progress, replace_smaller)


def ingest_outcomes(paths: Iterable[Path], actor: object = "cli", accept_partial: bool = False,
                    progress: Callable[[Iterable], Iterable] | None = None,
                    replace_smaller: bool = False) -> staging.IngestSummary:
    """Ingest police.uk outcomes CSVs as one batch; partitions are (month, force). A month held already is not
    replaced by one with more than 1% fewer rows unless ``replace_smaller``."""
    return _ingest(OUTCOMES_SPEC, paths, actor, accept_partial, progress, replace_smaller)
