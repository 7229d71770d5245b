"""DuckDB connections with the platform's limits, and safe quoting of paths into SQL."""

from pathlib import Path

import duckdb
from django.conf import settings


def connect(database: str | Path = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection under the configured memory and thread limits, spilling to the data dir."""
    con = duckdb.connect(str(database))
    spill = Path(settings.VRP_DATA_DIR) / "tmp" / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute(f"SET memory_limit = {sql_text(settings.VRP_DUCKDB_MEMORY_LIMIT)}")
    con.execute(f"SET threads = {int(settings.VRP_DUCKDB_THREADS)}")
    con.execute(f"SET temp_directory = {sql_text(str(spill))}")
    return con


def sql_text(value: str) -> str:
    """``value`` as a single-quoted SQL string literal (paths cannot be bound as parameters in DDL)."""
    return "'" + str(value).replace("'", "''") + "'"


def sql_list(values: list[str]) -> str:
    """A SQL list literal of strings: ``['a', 'b']``."""
    return "[" + ", ".join(sql_text(v) for v in values) + "]"
