"""Ingest police.uk street-level crime: CSV (plain or gzip), monthly archive zips, folders of either.

The file format is data.police.uk's street-level CSV (12 columns, "Crime ID" … "Context"); one file per
force and month, named ``YYYY-MM-<force>-street.csv``. Outcomes and stop-and-search files in the same
archives are reported as skipped. Every row keeps its crime id, month, force, coordinates, LSOA, crime
type and last outcome; anti-social behaviour rows (no crime id) are kept, and rows with no location are
kept and counted.
"""

import csv
import gzip
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from core import archives
from core.files import sha256_of
from core.problems import InputRejected, Problem
from core.sources import OPEN
from insights.ingest import bulk, staging, warehouse
from insights.ingest.police_uk_format import COLUMNS, CRIME_TYPES, FORCE_BY_NAME
from insights.ingest.spec import Check, Column, SourceSpec, register
from insights.ingest.staging import StagedFile
from insights.query.duck import sql_text

STREET_FILE = re.compile(r"(?P<month>\d{4}-\d{2})-(?P<force>[a-z0-9-]+?)-street\.csv(\.gz)?$")
OTHER_FILE = re.compile(r"-(outcomes|stop-and-search)\.csv(\.gz)?$")
CSV_SUFFIXES = (".csv", ".csv.gz")
#: Columns named one by one in a header's problems; beyond this many the header gets one problem.
MAX_COLUMNS_NAMED = 10


@dataclass
class InputFile:
    """A street-level CSV to ingest: its name as the user knows it and where it can be read."""

    name: str
    path: Path


@dataclass
class Discovery:
    inputs: list[InputFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def discover(paths: Iterable[Path], workdir: Path) -> Discovery:
    """The street-level CSVs in ``paths`` (files, zips, folders), extracting zip members to ``workdir``."""
    found = Discovery()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name.lower().endswith((*CSV_SUFFIXES, ".zip")):
                    _add_file(child, workdir, found)
        elif path.exists():
            _add_file(path, workdir, found)
        else:
            found.problems.append(Problem(str(path), "file not found"))
    return found


def _add_file(path: Path, workdir: Path, found: Discovery) -> None:
    name = path.name.lower()
    if name.endswith(".zip"):
        _add_zip(path, workdir, found)
    elif OTHER_FILE.search(name):
        found.skipped.append(f"{path.name}: {OTHER_FILE.search(name).group(1)} file, not street-level crime")
    elif name.endswith(CSV_SUFFIXES):
        found.inputs.append(InputFile(str(path), path))
    else:
        found.problems.append(Problem(path.name, "not a police.uk CSV (.csv, .csv.gz) or archive (.zip)"))


def _add_zip(path: Path, workdir: Path, found: Discovery) -> None:
    # Bounded before a byte is inflated (core.archives: total expanded size, ratio, members), and each member
    # is copied with the remaining allowance as its cap, so a zip that lies about its sizes stops there too.
    limits = archives.default_limits()
    try:
        archive = archives.open_zip(path, path.name, limits)
    except InputRejected as exc:
        problem = exc.problems[0]
        message = problem.message.replace("not a readable zip archive", "not a zip archive")
        if "the limit is" in message:
            message += "; VRP_ARCHIVE_MAX_EXPANDED_MB and VRP_ARCHIVE_MAX_RATIO set the limits"
        found.problems.append(Problem(problem.file, message))
        return
    allowance = limits.max_expanded_bytes
    with archive:
        for member in sorted(archive.namelist()):
            base = member.rsplit("/", 1)[-1].lower()
            if not base or not base.endswith(CSV_SUFFIXES):
                continue
            label = f"{path.name}:{member}"
            if OTHER_FILE.search(base):
                found.skipped.append(f"{label}: {OTHER_FILE.search(base).group(1)} file, not street-level crime")
                continue
            target = workdir / "unzipped" / f"{len(found.inputs):05d}-{base}"
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                allowance -= archives.copy_member(archive, member, target, allowance, label)
            except InputRejected as exc:
                found.problems.extend(exc.problems)
                return
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                found.problems.append(Problem(label, f"cannot be extracted ({exc})"))
                continue
            found.inputs.append(InputFile(label, target))


def read_header(input_file: InputFile) -> tuple[list[str] | None, list[Problem]]:
    """The file's header row, or the problems that stop it being read (empty, not gzip, not UTF-8)."""
    try:
        opener = gzip.open if input_file.path.name.endswith(".gz") else open
        with opener(input_file.path, "rb") as handle:
            first = handle.readline()
            second = handle.readline()
    except (OSError, EOFError) as exc:
        return None, [Problem(input_file.name, f"cannot be read ({exc})")]
    if not first.strip():
        return None, [Problem(input_file.name, "the file is empty", line=1)]
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(input_file.name, "the header is not UTF-8 text (police.uk files are UTF-8)", 1)]
    try:
        header = [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])]
    except csv.Error as exc:  # a stray carriage return or NUL byte in the header
        return None, [Problem(input_file.name, f"the header cannot be read as CSV ({exc})", 1)]
    problems = [Problem(input_file.name, "missing column", 1, c) for c in COLUMNS if c not in header]
    unexpected = [c for c in header if c not in COLUMNS]
    if len(unexpected) <= MAX_COLUMNS_NAMED:
        problems += [Problem(input_file.name, "unexpected column (not in the police.uk street-level format)", 1, c)
                     for c in unexpected]
    else:  # one problem for the header, however many columns it adds
        problems.append(Problem(input_file.name, f"{len(unexpected):,} unexpected columns (not in the police.uk "
                                                 "street-level format), starting "
                                + ", ".join(repr(c[:40]) for c in unexpected[:MAX_COLUMNS_NAMED]), 1))
    if not problems and header != COLUMNS:
        problems.append(Problem(input_file.name, "columns are not in the police.uk order: "
                                + ", ".join(COLUMNS), 1))
    if not problems and not second.strip():
        problems.append(Problem(input_file.name, "the file has a header but no rows", 2))
    return header, problems


CRIME_TYPE_LIST = ", ".join(f"'{t}'" for t in CRIME_TYPES.values())
FORCE_FROM_REPORTER = ("CASE \"Reported by\" " + " ".join(f"WHEN {sql_text(n)} THEN {sql_text(s)}"
                                                          for n, s in FORCE_BY_NAME.items())
                       + " ELSE lower(regexp_replace(trim(\"Reported by\"), '[^A-Za-z0-9]+', '-', 'g')) END")

#: police.uk street-level crime: one file per force and month. A row's force is the one its file's name gives
#: (``2024-01-kent-street.csv``), else the one its "Reported by" names.
STREET = register(SourceSpec(
    format="police-uk-csv", source="police", disclosure=OPEN, fields=tuple(COLUMNS), file_name=STREET_FILE,
    columns=(
        Column("crime_id", "text", sql="""NULLIF(trim("Crime ID"), '')"""),
        Column("month", "month", "Month"),
        Column("reported_by", "text", sql='"Reported by"'),
        Column("falls_within", "text", sql='"Falls within"'),
        Column("force", "text", sql=f"coalesce(force_in_name, {FORCE_FROM_REPORTER})"),
        Column("longitude", "number", "Longitude"),
        Column("latitude", "number", "Latitude"),
        Column("location", "text", "Location"),
        Column("lsoa_code", "text", "LSOA code"),
        Column("lsoa_name", "text", "LSOA name"),
        Column("crime_type", "text", sql='"Crime type"'),
        Column("last_outcome", "text", "Last outcome category"),
        Column("context", "text", "Context"),
    ),
    checks=(
        Check("Month", """CASE WHEN NOT regexp_full_match(coalesce("Month", ''), '\\d{4}-(0[1-9]|1[0-2])')
                          THEN 'month ' || coalesce('''' || "Month" || '''', 'missing') || ' is not YYYY-MM' END"""),
        Check("Longitude", staging.coordinate_check('"Longitude"', '"Latitude"')),
        Check("LSOA code", """CASE WHEN "LSOA code" IS NOT NULL AND "LSOA code" <> ''
                              AND NOT regexp_full_match("LSOA code", '[EW]01\\d{6}')
                              THEN 'LSOA code ''' || "LSOA code" || ''' is not an ONS LSOA code (E01/W01 and 6 digits)'
                              END"""),
        Check("Crime type", f"""CASE WHEN coalesce("Crime type", '') NOT IN ({CRIME_TYPE_LIST})
                               THEN 'unknown crime type ' || coalesce('''' || "Crime type" || '''', '(empty)') END"""),
    ),
    provider="force", identifier="crime_id", location=("longitude",)))


def ingest_police_uk(paths: Iterable[Path], actor: object = "cli", accept_partial: bool = False,
                     progress: Callable[[Iterable], Iterable] | None = None,
                     replace_smaller: bool = False) -> staging.IngestSummary:
    """Ingest police.uk street-level files into the warehouse as one batch.

    Without ``accept_partial`` a batch with any problem lands nothing and raises InputRejected listing
    every problem (file, line, column). With it, valid rows land and rejected rows go to a report file.
    A force-month held already is not replaced by one with more than 1% fewer rows unless ``replace_smaller``.
    """
    def stage_all(con, workdir: Path) -> tuple[list[StagedFile], list[str], list[Problem]]:
        found = discover(paths, workdir)
        if not found.inputs and not found.problems:
            found.problems.append(Problem(", ".join(str(p) for p in paths),
                                          "no police.uk street-level CSV files found"))
        # Hashing runs beside DuckDB (both release the GIL). Only a file the size of one already landed
        # can be unchanged, so only such a file waits for its checksum before it is read.
        sizes = warehouse.landed_sizes("police")
        with ThreadPoolExecutor(max_workers=1) as hashing:
            checksums = {f.path: hashing.submit(sha256_of, f.path) for f in found.inputs}
            prepared: list[StagedFile | tuple[str, Path]] = []
            for input_file in progress(found.inputs) if progress else found.inputs:
                _, problems = read_header(input_file)
                if problems:
                    prepared.append(StagedFile(input_file.name, input_file.path,
                                               checksums[input_file.path].result(), None, problems=problems))
                elif input_file.path.stat().st_size in sizes and warehouse.already_current(
                        "police", checksums[input_file.path].result()):
                    prepared.append(StagedFile(input_file.name, input_file.path, checksums[input_file.path].result(),
                                               None, unchanged=True))
                else:
                    prepared.append((input_file.name, input_file.path))
            readable = [p for p in prepared if isinstance(p, tuple)]
            landed = iter(bulk.stage_csv_files(con, STREET, readable, workdir, checksums))
        staged = [next(landed) if isinstance(p, tuple) else p for p in prepared]
        return staged, found.skipped, found.problems

    return staging.run_batch(STREET, stage_all, actor, accept_partial, replace_smaller=replace_smaller)
