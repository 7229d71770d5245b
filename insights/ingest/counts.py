"""Ingest police recorded crime as counts by LSOA, crime type and month (``vrp ingest counts``).

Forces and VRUs exchange this when street-level points cannot be shared or are too many: one row per LSOA,
police.uk crime type and month, with the number of crimes. The file is CSV (plain or gzip), UTF-8, with
exactly these columns in this order::

    LSOA code,Crime type,Month,Count
    E01008881,Burglary,2024-01,3

LSOA codes are ONS LSOA 2011 or 2021 codes (E01/W01 and 6 digits), crime types are police.uk's 14
street-level categories, months are YYYY-MM and counts whole numbers of 0 or more. An (LSOA, type, month)
may appear once per file.

The counts land in the police warehouse as one record per crime with its LSOA but no coordinates, no crime
ID and no outcome, so every figure that counts by area (stats, maps, Gi*, the SNA) works on them unchanged.
Kernel density needs points: it refuses such records (``figures.event_points``). The rules are those of
every ingest: a problem names file, line and column; a batch with a problem lands nothing (unless
``accept_partial``); a file already ingested changes nothing; each (month, force) replaces the force's
previous records for that month in one transaction.
"""

import csv
import gzip
import io
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from core.files import sha256_of
from core.problems import Problem
from core.sources import OPEN
from insights.ingest import staging
from insights.ingest.police_uk_format import CRIME_TYPES, FORCES
from insights.ingest.spec import Column, SourceSpec, register
from insights.ingest.staging import StagedFile

COLUMNS = ["LSOA code", "Crime type", "Month", "Count"]
FORMAT = "police-uk-counts"
LSOA = re.compile(r"[EW]01\d{6}")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
MAX_COUNT = 1_000_000  # far above any LSOA-month; guards against a pasted total or a shifted column

#: Counts files land in the police warehouse as records without coordinates, crime id or outcome: the same
#: columns as street-level crime, so every figure that counts by area works on them unchanged. The rows are
#: read and checked in Python (``read_rows``): the spec's fields are those of the rows staged, with the force
#: the ingest was given.
COUNTS = register(SourceSpec(
    format=FORMAT, source="police", disclosure=OPEN,
    fields=("lsoa", "crime_type", "month", "n", "force", "force_name"), count_field="n",
    columns=(
        Column("crime_id", "text", sql="NULL"),
        Column("month", "month", "month"),
        Column("reported_by", "text", sql="force_name"),
        Column("falls_within", "text", sql="force_name"),
        Column("force", "text", sql="force"),
        Column("longitude", "number", sql="NULL"),
        Column("latitude", "number", sql="NULL"),
        Column("location", "text", sql="NULL"),
        Column("lsoa_code", "text", "lsoa"),
        Column("lsoa_name", "text", sql="NULL"),
        Column("crime_type", "text", sql="crime_type"),
        Column("last_outcome", "text", sql="NULL"),
        Column("context", "text", sql="NULL"),
    ),
    provider="force", identifier="crime_id", location=("lsoa_code",)))


def read_rows(path: Path, name: str) -> tuple[list[tuple[int, str, str, str, int]], list[Problem]]:
    """The file's rows as (line, LSOA code, crime type, month, count), and every problem (file, line, column).

    A row with a problem is returned with count 0 so its line is still staged (and rejected) once.
    """
    problems: list[Problem] = []
    try:
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as exc:
        return [], [Problem(name, f"cannot be read ({exc})")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return [], [Problem(name, "the text is not UTF-8 (count files must be UTF-8)", line)]
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return [], [Problem(name, f"cannot be read as CSV ({exc})")]
    if not records or not any(cell.strip() for cell in records[0]):
        return [], [Problem(name, "the file is empty", 1)]
    header = [h.strip() for h in records[0]]
    problems += [Problem(name, "missing column", 1, c) for c in COLUMNS if c not in header]
    problems += [Problem(name, "unexpected column (the counts format is " + ",".join(COLUMNS) + ")", 1, c)
                 for c in header if c not in COLUMNS]
    if not problems and header != COLUMNS:
        problems.append(Problem(name, "columns are not in the counts order: " + ",".join(COLUMNS), 1))
    if problems:
        return [], problems
    if len(records) < 2:
        return [], [Problem(name, "the file has a header but no rows", 2)]
    crime_types = set(CRIME_TYPES.values())
    rows: list[tuple[int, str, str, str, int]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # a blank line (often the last) is not a row
        if len(record) != len(COLUMNS):
            problems.append(Problem(name, f"expected {len(COLUMNS)} fields, found {len(record)}", line))
            rows.append((line, "", "", "", 0))
            continue
        lsoa, crime_type, month, count_text = (cell.strip() for cell in record)
        before = len(problems)
        if not LSOA.fullmatch(lsoa):
            problems.append(Problem(name, f"LSOA code {lsoa!r} is not an ONS LSOA code (E01/W01 and 6 digits)",
                                    line, "LSOA code"))
        if crime_type not in crime_types:
            problems.append(Problem(name, f"unknown crime type {crime_type!r} (police.uk's 14 categories)", line,
                                    "Crime type"))
        if not MONTH.fullmatch(month):
            problems.append(Problem(name, f"month {month!r} is not YYYY-MM", line, "Month"))
        count = int(count_text) if count_text.isdecimal() else None
        if count is None or count > MAX_COUNT:
            problems.append(Problem(name, f"count {count_text!r} is not a whole number from 0 to {MAX_COUNT:,}",
                                    line, "Count"))
        key = (lsoa, crime_type, month)
        if len(problems) == before and key in seen:
            problems.append(Problem(name, f"repeats the LSOA, crime type and month of line {seen[key]}", line))
        seen.setdefault(key, line)
        rows.append((line, lsoa, crime_type, month, count if len(problems) == before else 0))
    return rows, problems


def stage_counts_file(con, path: Path, index: int, force: str) -> StagedFile:
    """Stage one counts file as one row per crime (a bad line stays one rejected row, named by its line)."""
    name = str(path)
    checksum = sha256_of(path)
    rows, problems = read_rows(path, name)
    if not rows:
        return StagedFile(name, path, checksum, None, problems=problems or [Problem(name, "no rows")])
    by_line: dict[int, list[str]] = {}
    for p in problems:
        if p.line is not None and p.line > 1:
            by_line.setdefault(p.line, []).append(f"{p.column or ''}\x1e{p.message}")
    rows_table = pa.table({
        "_line": [r[0] for r in rows], "lsoa": [r[1] for r in rows], "crime_type": [r[2] for r in rows],
        "month": [r[3] for r in rows], "n": [r[4] for r in rows], "force": [force] * len(rows),
        "force_name": [FORCES.get(force, force)] * len(rows),
        "_given_problem": [staging.SEPARATOR.join(by_line[r[0]]) if r[0] in by_line else None for r in rows]})
    staged = staging.stage(con, COUNTS, name, path, checksum, index, rows=rows_table)
    # Problems of the header or of the file as a whole (no line) are not in the staged rows: keep them.
    staged.problems = [p for p in problems if p.line is None or p.line <= 1] + staged.problems
    return staged


def ingest_counts(paths: Iterable[Path], force: str, actor: object = "cli", accept_partial: bool = False,
                  progress: Callable[[Iterable], Iterable] | None = None,
                  replace_smaller: bool = False) -> staging.IngestSummary:
    """Ingest counts files (``LSOA code,Crime type,Month,Count``) of police ``force`` (a police.uk slug) as one
    batch into the police warehouse. Raises InputRejected listing every problem unless ``accept_partial``. A
    force-month held already is not replaced by fewer crimes (by more than 1%) unless ``replace_smaller``."""
    if force not in FORCES:
        from core.problems import InputRejected

        raise InputRejected([Problem("--force", f"{force!r} is not a police.uk force slug (e.g. west-midlands)",
                                     column="force")])

    def stage_all(con, workdir: Path):
        files = [Path(p) for p in paths]
        missing = [Problem(str(p), "file not found") for p in files if not p.is_file()]
        present = [p for p in files if p.is_file()]
        staged = [stage_counts_file(con, p, i, force)
                  for i, p in enumerate(progress(present) if progress else present)]
        return staged, [], missing

    return staging.run_batch(COUNTS, stage_all, actor, accept_partial, replace_smaller=replace_smaller)
