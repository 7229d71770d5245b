"""The one-pass staging of many large CSV files of one source (police.uk's 36-month archives): every row is
checked as it is read and written straight to Parquet; only a file with a problem is staged again, row by row
(``staging.stage``), to name each problem by line and column."""

from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path

import duckdb

from insights.ingest.spec import SourceSpec
from insights.ingest.staging import StagedFile, file_names_join, stage
from insights.query.duck import sql_list, sql_text


def _bulk_copy(con: duckdb.DuckDBPyConnection, spec: SourceSpec, paths: list[str], ok_sql: str, join_sql: str,
               out: Path) -> None:
    dropped = ", ".join(("filename", *spec.drop))
    # Partition keys are kept cheap (an integer and a date): they are computed for every row.
    con.execute(f"""COPY (SELECT * EXCLUDE ({dropped}), hash(filename) AS _pf,
                                 coalesce(month, DATE '1900-01-01') AS _pm,
                                 coalesce({spec.provider}, 'none') AS _pp
                          FROM (SELECT {spec.typed_sql()}, filename, coalesce({ok_sql}, FALSE) AS _ok
                                FROM read_csv({sql_list(paths)}, filename = true, {spec.read_options()},
                                              store_rejects = true, rejects_table = 'bulk_rejects',
                                              rejects_scan = 'bulk_scans') {join_sql}))
                    TO {sql_text(str(out))} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (_pf, _pm, _pp, _ok))""")


def stage_csv_files(con: duckdb.DuckDBPyConnection, spec: SourceSpec, inputs: list[tuple[str, Path]],
                    workdir: Path, checksums: Mapping[Path, str | Future[str]]) -> list[StagedFile]:
    """Validate and write many CSV files of one spec in one DuckDB pass: the fast path for large, mostly clean
    inputs (the spec's files have all its fields, and one location column).

    ``inputs`` are (name, path). Every row is checked as it is read and written, in the same
    pass, to a Parquet partition keyed by (file, month, provider, valid or not), so a clean file costs one
    read and one write — about what a bare ``read_csv`` → Parquet copy costs. Row numbers are not needed
    then; only a file with a bad row is read again by ``stage``, which names each problem by line and
    column. Returns one StagedFile per input, in order, whose ``ready`` files hold its valid rows.
    ``checksums[path]`` may be a future: it is asked for only after the pass, so a caller can hash the files
    while DuckDB reads them.
    """
    if not inputs:
        return []
    if len(spec.location) != 1:
        raise ValueError(f"{spec.format}: the one-pass staging counts rows without a location by one column")
    location_column, id_column = spec.location[0], spec.identifier

    def checksum_of(path: Path) -> str:
        checksum = checksums[path]
        return checksum if isinstance(checksum, str) else checksum.result()

    def restage(name: str, path: Path, checksum: str, index: int) -> StagedFile:
        return stage(con, spec, name, path, checksum, index)

    paths = [str(path) for _, path in inputs]
    hashes = dict(con.execute("SELECT p, hash(p)::VARCHAR FROM unnest(?::VARCHAR[]) t(p)", [paths]).fetchall())
    ok_sql = " AND ".join(f"({check.sql}) IS NULL" for check in spec.checks) or "TRUE"
    out = workdir / "bulk"
    # Flush each partition every 100,000 rows (about one row group) so memory stays flat as files grow;
    # DuckDB's default buffers half a million rows per thread and partition.
    con.execute("SET partitioned_write_flush_threshold = 100000")
    try:
        _bulk_copy(con, spec, paths, ok_sql, file_names_join(con, spec, [path for _, path in inputs]), out)
    except duckdb.Error:
        # A file DuckDB's reader cannot get through at all (e.g. line endings that change part-way): read
        # each file on its own, which names the file that failed and what stopped it.
        return [restage(name, path, checksum_of(path), index) for index, (name, path) in enumerate(inputs)]
    rejected = {row[0] for row in con.execute("""SELECT DISTINCT hash(s.file_path)::VARCHAR FROM bulk_rejects e
                                                 JOIN bulk_scans s USING (scan_id, file_id)""").fetchall()}
    partitions: dict[str, list[tuple[str, str, bool, list[Path]]]] = {}
    for folder in sorted(out.glob("_pf=*/_pm=*/_pp=*/_ok=*")):
        keys = dict(part.split("=", 1) for part in folder.relative_to(out).parts)
        partitions.setdefault(keys["_pf"], []).append(
            (keys["_pm"][:7], keys["_pp"], keys["_ok"] == "true", sorted(folder.glob("*.parquet"))))
    valid_files = [str(f) for groups in partitions.values() for _, _, ok, files in groups if ok for f in files]
    # Rows, and rows with no location or no crime id, read from the Parquet footers, not the data.
    counted: dict[Path, tuple[int, int, int]] = {}
    if valid_files:
        nulls = {(name, column): int(n or 0) for name, column, n in con.execute(
            f"""SELECT file_name, path_in_schema, sum(stats_null_count) FROM parquet_metadata({sql_list(valid_files)})
                WHERE path_in_schema IN (?, ?) GROUP BY ALL""", [location_column, id_column or ""]).fetchall()}
        for name, rows in con.execute(f"SELECT file_name, num_rows FROM parquet_file_metadata({sql_list(valid_files)})"
                                      ).fetchall():
            before = counted.get(Path(name).parent, (0, 0, 0))
            counted[Path(name).parent] = (before[0] + rows, before[1] + nulls.get((name, location_column), 0),
                                          before[2] + nulls.get((name, id_column), 0))
    staged_files = []
    for index, (name, path) in enumerate(inputs):
        checksum = checksum_of(path)
        key = hashes[str(path)]
        groups = partitions.get(key, [])
        ready = []
        for month, provider, ok, files in groups:
            if not ok:
                continue
            folder = files[0].parent
            rows = counted.get(folder, (0, 0, 0))[0]
            ready.append((month, provider, _single_file(con, files, workdir, f"{index}-{len(ready)}"), rows))
        if key in rejected or any(not ok for _, _, ok, _ in groups):
            staged = restage(name, path, checksum, index)
            staged.table = None
        else:
            staged = StagedFile(name, path, checksum, None)
            staged.rows_read = sum(r[3] for r in ready)
            folders = {files[0].parent for _, _, ok, files in groups if ok}
            staged.rows_without_location = sum(counted.get(f, (0, 0, 0))[1] for f in folders)
            staged.rows_without_crime_id = sum(counted.get(f, (0, 0, 0))[2] for f in folders)
        staged.ready = ready
        staged_files.append(staged)
    return staged_files


def _single_file(con: duckdb.DuckDBPyConnection, files: list[Path], workdir: Path, label: str) -> Path:
    """One Parquet file for a partition (DuckDB may split a large partition across several)."""
    if len(files) == 1:
        return files[0]
    target = workdir / f"merged-{label}.parquet"
    con.execute(f"COPY (SELECT * FROM read_parquet({sql_list([str(f) for f in files])})) "
                f"TO {sql_text(str(target))} (FORMAT parquet, COMPRESSION zstd)")
    return target
