"""Police files written and read in the tests: police.uk street-level CSVs (gzip or plain), counts files, and
what the warehouse holds per force and month."""

import csv
import gzip
from collections import Counter
from pathlib import Path

import duckdb

from insights.ingest.counts import COLUMNS as COUNT_COLUMNS
from insights.ingest.police_uk_format import COLUMNS
from insights.ingest.warehouse import current_files


def read_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], header: list[str] = COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_counts(path: Path, rows: list[list], header: list[str] = COUNT_COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def warehouse_counts() -> Counter:
    files = current_files("police")
    if not files:
        return Counter()
    rows = duckdb.sql(f"SELECT force, strftime(month, '%Y-%m'), count(*) FROM read_parquet({files!r}) GROUP BY ALL")
    return Counter({(f, m): n for f, m, n in rows.fetchall()})
