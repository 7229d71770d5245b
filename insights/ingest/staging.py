"""Stage, validate and land a batch of event-level files (the part every source shares).

What a source's files hold, how each column is typed and what makes a row wrong is its ``SourceSpec``
(``insights.ingest.spec``); everything here works from the spec. Each input is loaded once into a scratch
DuckDB database with all columns as text, its line number, typed columns and a ``_problem`` column naming
what is wrong with the row (NULL when nothing is).
Structural faults (too many or too few fields, bytes that are not UTF-8) come from DuckDB's reject
tables with their true line numbers. When the batch has no problems — or the caller accepts a partial
landing — each (month, provider) group of valid rows is written to Parquet and committed through
``warehouse.commit_batch``.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from core.problems import InputRejected, Problem
from insights.ingest import warehouse
from insights.ingest.police_uk_format import UK_BOUNDS
from insights.ingest.rejected import MAX_PROBLEMS_PER_FILE, cap_problems, write_report
from insights.ingest.spec import SourceSpec, quoted
from insights.models import IngestBatch
from insights.query.duck import connect, sql_text

SEPARATOR = "\x1f"  # joins a row's problems; never appears in CSV text
#: A newer file for a month and provider may have fewer rows than the one it replaces by this share at most
#: (police.uk re-publishes months with a few more or fewer records); beyond it, a truncated download is more
#: likely, and the replacement is refused unless asked for.
SMALLER_TOLERANCE = 0.01


@dataclass
class StagedFile:
    name: str
    path: Path
    checksum: str
    table: str | None
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0
    rows_with_problems: int = 0
    rows_without_location: int = 0
    rows_without_crime_id: int = 0
    unchanged: bool = False
    notes: list[str] = field(default_factory=list)
    #: Parquet files of valid rows already written by ``bulk.stage_csv_files``: (month, provider, path, rows).
    ready: list[tuple[str, str, Path, int]] | None = None


@dataclass
class IngestSummary:
    """What a batch did, for the command's summary table and for tests."""

    status: str
    files: list[warehouse.FileOutcome]
    skipped: list[str]
    problems: list[Problem]
    report_path: str = ""
    batch_id: int | None = None
    #: What the analyst should know about files that landed (``StagedFile.notes``: no LSOA boundaries loaded…).
    notes: list[str] = field(default_factory=list)

    @property
    def rows_accepted(self) -> int:
        return sum(f.rows_accepted for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    def table(self) -> str:
        """A plain-text summary table: files, rows, months, providers, rejected."""
        months = sorted({m for f in self.files for m in f.months})
        providers = sorted({p for f in self.files for p in f.providers})
        landed = [f for f in self.files if not f.unchanged]
        lines = [
            ("status", self.status),
            ("files ingested", str(len(landed))),
            ("files unchanged (already ingested)", str(len(self.files) - len(landed))),
            ("files skipped (not street-level crime)", str(len(self.skipped))),
            ("rows accepted", f"{self.rows_accepted:,}"),
            ("rows rejected", f"{self.rows_rejected:,}"),
            ("rows without a location (kept)", f"{sum(f.rows_without_location for f in landed):,}"),
            ("months", f"{months[0]} to {months[-1]} ({len(months)})" if months else "none"),
            ("providers", ", ".join(providers) if len(providers) <= 6 else f"{len(providers)} ("
             + ", ".join(providers[:6]) + ", …)"),
        ]
        if self.report_path:
            lines.append(("rejected rows report", self.report_path))
        lines += [("note", note) for note in self.notes]
        width = max(len(k) for k, _ in lines)
        return "\n".join(f"{k.ljust(width)}  {v}" for k, v in lines)


def coordinate_check(lon: str, lat: str) -> str:
    """SQL giving a message when a row's coordinates are half-given, not numbers, or outside the UK."""
    b = UK_BOUNDS
    return f"""CASE
        WHEN coalesce({lon}, '') = '' AND coalesce({lat}, '') = '' THEN NULL
        WHEN coalesce({lon}, '') = '' OR coalesce({lat}, '') = ''
            THEN 'longitude and latitude must both be given or both be empty'
        WHEN TRY_CAST({lon} AS DOUBLE) IS NULL OR TRY_CAST({lat} AS DOUBLE) IS NULL
            THEN 'coordinates (' || {lon} || ', ' || {lat} || ') are not numbers'
        WHEN NOT (TRY_CAST({lon} AS DOUBLE) BETWEEN {b['min_lon']} AND {b['max_lon']}
                  AND TRY_CAST({lat} AS DOUBLE) BETWEEN {b['min_lat']} AND {b['max_lat']})
            THEN 'coordinates (' || {lon} || ', ' || {lat} || ') are outside the UK'
        END"""


def stage(con: duckdb.DuckDBPyConnection, spec: SourceSpec, name: str, path: Path, checksum: str, index: int, *,
          header: Sequence[str] | None = None, rows: pa.Table | None = None) -> StagedFile:
    """Load one file into the table ``stage_<index>``: the spec's typed columns, line numbers and each row's problems.

    The file is read as CSV with the spec's fields, or ``header``'s when a file may leave optional fields out
    (the spec's other fields are then empty). A source that reads its files itself (JSON records, counts) passes
    ``rows`` instead: an Arrow table of the fields with ``_line`` (the row's line or record number) and
    ``_given_problem`` (its problems as ``column<RS>message`` text joined by ``SEPARATOR``, or None).
    """
    if warehouse.already_current(spec.source, checksum):
        return StagedFile(name, path, checksum, None, unchanged=True)
    table = f"stage_{index}"
    checks: list[tuple[str | None, str]] = [(c.column, c.sql) for c in spec.checks]
    rejects_table: str | None = None
    if rows is None:
        padding = "".join(f", NULL::VARCHAR AS {quoted(f)}" for f in spec.fields if header and f not in header)
        with_names = "filename = true," if spec.file_name else ""
        source_sql = f"""(SELECT *{padding} FROM read_csv({sql_text(str(path))}, {spec.read_options(header)},
                          {with_names} store_rejects = true, rejects_table = 'rejects_{index}',
                          rejects_scan = 'scan_{index}')
                          {file_names_join(con, spec, [path])})"""
        rejects_table, line_sql = f"rejects_{index}", "row_number() OVER () + 1"
    else:
        con.register("given_rows", rows)
        checks.append((None, "_given_problem"))
        source_sql, line_sql = "(SELECT * FROM given_rows)", "_line"
        if spec.count_field:
            # One record per crime counted: a valid row of count n becomes n rows; a row with a problem stays one.
            source_sql = f"""(SELECT g.* FROM given_rows g,
                              range(CASE WHEN g._given_problem IS NULL THEN g.{quoted(spec.count_field)} ELSE 1 END)
                              AS copies(i))"""
    problem_sql = "NULLIF(concat_ws(chr(31), " + ", ".join(
        expr if column is None
        else f"CASE WHEN ({expr}) IS NOT NULL THEN {sql_text(column)} || chr(30) || ({expr}) END"
        for column, expr in checks) + "), '')" if checks else "NULL::VARCHAR"
    try:
        con.execute(f"""CREATE TABLE {table} AS
                        SELECT {line_sql} AS _line, {spec.typed_sql()}, {problem_sql} AS _problem
                        FROM {source_sql}""")
    except duckdb.Error as exc:
        # DuckDB's first line says what went wrong; the rest lists its reader options.
        reason = str(exc).splitlines()[0]
        changed = line_ending_change(path) if rows is None else None
        if changed is not None:
            line, first, then = changed
            return StagedFile(name, path, checksum, None, problems=[Problem(
                name, f"cannot be read: its lines end in {first} until this one, which ends in {then} (line endings "
                      "must not change part-way: save the file again with one kind)", line)])
        return StagedFile(name, path, checksum, None, problems=[Problem(name, f"cannot be read: {reason}")])
    finally:
        if rows is not None:
            con.unregister("given_rows")
    staged = StagedFile(name, path, checksum, table)
    structural = []
    swallowed = 0
    if rejects_table:
        structural = con.execute(f"SELECT line, column_name, error_type, error_message FROM {rejects_table} "
                                 "ORDER BY line").fetchall()
        seen_lines: set[int] = set()
        for line, column, error_type, message in structural:
            # One malformed line is one problem: DuckDB may report a cut-off line once per field it lacks.
            if int(line) in seen_lines:
                continue
            seen_lines.add(int(line))
            if error_type == "INVALID ENCODING":
                message = "the text is not UTF-8 (police.uk and ISTV CSV files must be UTF-8)"
            if error_type == "UNQUOTED VALUE":
                # The quote opened on this line is never closed: every line after it was read as part of its
                # value, so those rows are lost with it. Said and counted, not left out of the summary unseen.
                swallowed = max(physical_lines(path) - int(line), 0)
                if swallowed:
                    message = (f"{message.rstrip('.')}: the quote opened on this line runs to the end of the file, "
                               f"so the {swallowed:,} lines after it were read as part of this one and are "
                               "rejected with it")
            staged.problems.append(Problem(name, message, int(line), column))
    reject_lines = sorted({int(r[0]) for r in structural})
    counts = con.execute(f"""SELECT count(*), count(*) FILTER (_problem IS NOT NULL),
                             count(*) FILTER ({spec.location_missing_sql()} AND _problem IS NULL)
                             FROM {table}""").fetchall()[0]
    staged.rows_read = counts[0] + len(reject_lines) + swallowed
    staged.rows_with_problems = counts[1] + len(reject_lines) + swallowed
    staged.rows_without_location = counts[2]
    if spec.identifier:
        staged.rows_without_crime_id = con.execute(
            f"SELECT count(*) FROM {table} WHERE {spec.identifier} IS NULL AND _problem IS NULL").fetchall()[0][0]
    for line, problem in con.execute(f"SELECT _line, _problem FROM {table} WHERE _problem IS NOT NULL "
                                     f"ORDER BY _line LIMIT {MAX_PROBLEMS_PER_FILE}").fetchall():
        true_line = _true_line(int(line), reject_lines)
        for part in problem.split(SEPARATOR):
            column, message = part.split("\x1e", 1)
            staged.problems.append(Problem(name, message, true_line, column))
    staged.problems.sort(key=lambda p: (p.line or 0))
    staged.problems = cap_problems(name, staged.problems, staged.rows_with_problems - swallowed)
    return staged


def line_ending_change(path: Path) -> tuple[int, str, str] | None:
    """The first line whose ending differs from the first line's (CRLF or LF), with both kinds; None if none
    does. DuckDB's reader stops at such a file without saying where."""
    import gzip

    first = None
    with (gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")) as handle:  # noqa: SIM115
        for number, line in enumerate(handle, start=1):
            if not line.endswith(b"\n"):
                return None
            kind = "CRLF" if line.endswith(b"\r\n") else "LF"
            if first is None:
                first = kind
            elif kind != first:
                return number, first, kind
    return None


def physical_lines(path: Path) -> int:
    """How many lines a (possibly gzip) file has: its line breaks, plus a last line with none."""
    import gzip

    count, last = 0, b"\n"
    with (gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")) as handle:  # noqa: SIM115
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")


def file_names_join(con: duckdb.DuckDBPyConnection, spec: SourceSpec, paths: list[Path]) -> str:
    """Tell DuckDB what each file's name gives (``force_in_name``), so it is worked out once per file, not per row;
    returns the join that adds those fields to the rows read (nothing when the spec takes nothing from names)."""
    if spec.file_name is None:
        return ""
    fields = spec.name_fields
    con.execute("CREATE OR REPLACE TEMP TABLE file_names (filename VARCHAR, "
                + ", ".join(f"{f} VARCHAR" for f in fields) + ")")
    rows = []
    for path in paths:
        match = spec.file_name.search(path.name.lower())
        rows.append((str(path), *(match.group(g) if match else None for g in spec.file_name.groupindex)))
    if rows:
        con.executemany(f"INSERT INTO file_names VALUES ({', '.join('?' * (len(fields) + 1))})", rows)
    return "LEFT JOIN file_names USING (filename)"


def _true_line(staged_line: int, reject_lines: list[int]) -> int:
    """A staged row's line in the file, counting the structurally rejected lines skipped before it."""
    line = staged_line
    for rejected in reject_lines:
        if rejected <= line:
            line += 1
    return line


def run_batch(spec: SourceSpec,
              stage_all: Callable[[duckdb.DuckDBPyConnection, Path], tuple[list[StagedFile], list[str],
                                                                              list[Problem]]],
              actor: object, accept_partial: bool, replace_smaller: bool = False) -> IngestSummary:
    """Stage every input, then land the batch whole, land its valid rows, or land nothing.

    ``stage_all(con, workdir)`` is the source's part: find its inputs and stage each (``stage``,
    ``bulk.stage_csv_files``), returning the staged files, what was skipped and the problems found before staging.
    A rejected-rows report is written only when ``accept_partial`` asks for the valid rows to land (its path
    is kept in the batch's manifest row). Unless ``replace_smaller``, a file that would replace a month and
    provider already held with more than ``SMALLER_TOLERANCE`` fewer rows refuses the batch, naming both counts.
    """
    source, fmt, provider_column = spec.source, spec.format, spec.provider
    started = warehouse.now()
    with warehouse.ingest_lock():
        warehouse.remove_leftovers()
        with warehouse.batch_workdir() as workdir:
            con = connect(workdir / "stage.duckdb")
            try:
                staged, skipped, problems = stage_all(con, workdir)
                problems = problems + [p for s in staged for p in s.problems]
                outcomes = [_outcome(s) for s in staged]
                if problems and not accept_partial:
                    batch = warehouse.record_rejected_batch(source, fmt, outcomes, actor, started)
                    raise InputRejected(problems + [Problem(
                        "batch", f"nothing was ingested (batch {batch.pk}); --accept-partial lands the valid rows "
                                 "and writes the rejected ones to a report")])
                if not replace_smaller:
                    smaller = smaller_replacements(con, source, staged, provider_column)
                    if smaller:
                        batch = warehouse.record_rejected_batch(source, fmt, outcomes, actor, started)
                        raise InputRejected(smaller + [Problem(
                            "batch", f"nothing was ingested (batch {batch.pk}); --replace-smaller replaces the "
                                     "held months anyway")])
                report = write_report(source, {s.name: s.path for s in staged}, problems) if problems else ""
                for staged_file, outcome in zip(staged, outcomes, strict=True):
                    if (staged_file.table or staged_file.ready is not None) and not staged_file.unchanged:
                        _write_partitions(con, source, staged_file, outcome, workdir, provider_column, spec.drop)
            finally:
                con.close()
            if all(o.unchanged for o in outcomes) and outcomes and not problems:
                return IngestSummary(IngestBatch.Status.UNCHANGED, outcomes, skipped, [])
            status = IngestBatch.Status.PARTIAL if problems else IngestBatch.Status.LANDED
            batch = warehouse.commit_batch(source, fmt, [o for o in outcomes if not o.unchanged], actor,
                                           started, status, report)
    notes = [f"{Path(s.name).name}: {note}" for s in staged if not s.unchanged for note in s.notes]
    return IngestSummary(status, outcomes, skipped, problems, report, batch.pk, notes)


def smaller_replacements(con: duckdb.DuckDBPyConnection, source: str, staged: list[StagedFile],
                         provider_column: str = "force") -> list[Problem]:
    """A problem for each (month, provider) the batch would replace with fewer rows than are held, by more than
    ``SMALLER_TOLERANCE`` (a truncated re-download must not replace a complete month unnoticed)."""
    from insights.models import WarehousePartition

    incoming: dict[tuple[str, str], tuple[int, str]] = {}
    for staged_file in staged:
        if staged_file.unchanged:
            continue
        if staged_file.ready is not None:
            groups = [(month, provider, rows) for month, provider, _, rows in staged_file.ready]
        elif staged_file.table:
            groups = con.execute(f"""SELECT strftime(month, '%Y-%m'), {provider_column}, count(*)
                                     FROM {staged_file.table} WHERE _problem IS NULL GROUP BY ALL""").fetchall()
        else:
            continue
        for month, provider, rows in groups:
            incoming[(month, provider)] = (int(rows), staged_file.name)  # the last file of the batch wins
    if not incoming:
        return []
    held = {(m, p): rows for m, p, rows in WarehousePartition.objects.filter(
        source=source, is_current=True, month__in=sorted({m for m, _ in incoming})).values_list(
        "month", "provider", "rows")}
    problems = []
    for (month, provider), (rows, name) in sorted(incoming.items()):
        before = held.get((month, provider))
        if before is not None and rows < before * (1 - SMALLER_TOLERANCE):
            problems.append(Problem(name, f"{provider} {month}: this file has {rows:,} rows to land but the "
                                          f"warehouse holds {before:,} for that month ({before - rows:,} fewer, "
                                          f"{(before - rows) / before:.1%}); a cut-off download would replace a "
                                          "complete month, so it is refused"))
    return problems


def _outcome(staged: StagedFile) -> warehouse.FileOutcome:
    accepted = staged.rows_read - staged.rows_with_problems if staged.table or staged.ready is not None else 0
    return warehouse.FileOutcome(
        file_name=staged.name, checksum=staged.checksum, size_bytes=staged.path.stat().st_size,
        rows_read=staged.rows_read,
        rows_accepted=accepted, rows_rejected=staged.rows_with_problems,
        rows_without_location=staged.rows_without_location,
        rows_without_crime_id=staged.rows_without_crime_id, unchanged=staged.unchanged)


def _write_partitions(con: duckdb.DuckDBPyConnection, source: str, staged: StagedFile,
                      outcome: warehouse.FileOutcome, workdir: Path, provider_column: str,
                      exclude_columns: tuple[str, ...]) -> None:
    if staged.ready is not None:
        for month, provider, tmp, rows in staged.ready:
            relative = warehouse.partition_path(source, month, provider, staged.checksum)
            warehouse.place_file(tmp, relative)
            outcome.partitions.append(warehouse.NewPartition(month, provider, relative, rows))
        outcome.months = sorted({r[0] for r in staged.ready})
        outcome.providers = sorted({r[1] for r in staged.ready})
        return
    excluded = ", ".join(("_line", "_problem", *exclude_columns))
    groups = con.execute(f"""SELECT strftime(month, '%Y-%m') AS m, {provider_column}, count(*)
                             FROM {staged.table} WHERE _problem IS NULL GROUP BY ALL ORDER BY ALL""").fetchall()
    for month, provider, rows in groups:
        relative = warehouse.partition_path(source, month, provider, staged.checksum)
        tmp = workdir / f"{len(outcome.partitions)}-{staged.table}.parquet"
        con.execute(f"""COPY (SELECT * EXCLUDE ({excluded}) FROM {staged.table}
                              WHERE _problem IS NULL AND strftime(month, '%Y-%m') = ? AND {provider_column} = ?)
                        TO {sql_text(str(tmp))} (FORMAT parquet, COMPRESSION zstd)""", [month, provider])
        warehouse.place_file(tmp, relative)
        outcome.partitions.append(warehouse.NewPartition(month, provider, relative, rows))
    outcome.months = sorted({g[0] for g in groups})
    outcome.providers = sorted({g[1] for g in groups})
