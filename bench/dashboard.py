"""Dashboard benchmark: the region overview's queries, warm and cold, against PostgreSQL and pandas.

Data sets, each loaded into a fresh data folder and database:
  * the real police.uk files in ../shared/data/police-uk/street (1.3 M rows, ingested with `vrp ingest`);
  * a generated West Midlands-sized three years (~1 M rows, 1,700 LSOAs, 36 months);
  * a generated national-size year (~6 M rows, 35,000 LSOAs, 12 months).
Generated rows are written by DuckDB straight into the warehouse layout and registered in the manifest, as
an ingest would leave them. For each, the overview's figures are timed cold (first query after the shared
database is rebuilt) and warm (p50/p95 of 20 runs), and the same LSOA × month × type GROUP BY is timed in
PostgreSQL (127.0.0.1:5432, database `test`, table in a temporary schema) and in pandas, in the same run.

Run by hand: `.venv/bin/python bench/dashboard.py [--skip-national]`.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street"
WARM_RUNS = 20


def setup_django(data_dir: Path) -> None:
    os.environ["VRP_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
    import django

    django.setup()


def generate(rows: int, months: int, lsoas: int, first_month: str = "2023-01") -> None:
    """Write generated police.uk-shaped rows per month into the warehouse and register the partitions."""
    import duckdb
    from django.utils import timezone

    from insights.models import IngestBatch, IngestFile, WarehousePartition
    from insights.services.warehouse import partition_path, warehouse_dir

    batch = IngestBatch.objects.create(source="police", format="bench", status="landed", started_at=timezone.now(),
                                       by="bench")
    ingest_file = IngestFile.objects.create(batch=batch, file_name="generated", checksum="0" * 64)
    con = duckdb.connect()
    per_month = rows // months
    year, month = (int(p) for p in first_month.split("-"))
    for index in range(months):
        label = f"{year:04d}-{month:02d}"
        relative = partition_path("police", label, "generated", f"{index:016d}")
        target = warehouse_dir() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        con.execute(f"""COPY (SELECT md5(i::VARCHAR) AS crime_id, DATE '{label}-01' AS month,
                                     'Generated Police' AS reported_by, 'Generated Police' AS falls_within,
                                     'generated' AS force, -1.9 + random() * 0.3 AS longitude, 52.45 + random() * 0.2 AS latitude,
                                     'On or near Bench Street' AS location,
                                     'E01' || lpad((25000 + floor(pow(random(), 3) * {lsoas}))::INT::VARCHAR, 6, '0') AS lsoa_code,
                                     NULL::VARCHAR AS lsoa_name,
                                     (['Violence and sexual offences', 'Anti-social behaviour', 'Public order',
                                       'Shoplifting', 'Burglary', 'Robbery', 'Possession of weapons'])[1 + floor(random() * 7)::INT]
                                       AS crime_type, NULL::VARCHAR AS last_outcome, NULL::VARCHAR AS context
                              FROM range({per_month}) t(i))
                        TO '{target}' (FORMAT parquet, COMPRESSION zstd)""")
        WarehousePartition.objects.create(source="police", month=label, provider="generated", path=relative,
                                          rows=per_month, ingest_file=ingest_file)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def time_overview() -> dict:
    from insights.services.catalogue import FIGURES, default_query, figure_rows
    from insights.services.figures import SHARED

    query = default_query()
    from dataclasses import replace

    query = replace(query, lad_codes=())  # the whole warehouse
    names = ["headline", "trend", "types", "local_authorities", "places", "seasonality"]
    SHARED.reset()
    start = time.perf_counter()
    for name in names:
        figure_rows(name, query, unsuppressed=True)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(WARM_RUNS):
        start = time.perf_counter()
        for name in names:
            figure_rows(name, query, unsuppressed=True)
        warm.append(time.perf_counter() - start)
    per_figure = {}
    for name in names:
        runs = []
        for _ in range(WARM_RUNS):
            start = time.perf_counter()
            figure_rows(name, query, unsuppressed=True)
            runs.append(time.perf_counter() - start)
        per_figure[name] = statistics.quantiles(runs, n=20)[18]
    assert set(names) <= set(FIGURES)
    return {"cold": cold, "warm_p50": statistics.median(warm), "warm_p95": statistics.quantiles(warm, n=20)[18],
            "per_figure_p95": per_figure}


def group_by_baselines(files: list[str]) -> dict:
    """The LSOA × month × type GROUP BY in DuckDB (ours, warm), PostgreSQL and pandas."""
    import duckdb
    import psycopg

    con = duckdb.connect()
    sql = ("SELECT lsoa_code, month, crime_type, count(*) FROM read_parquet({}) GROUP BY ALL")
    con.execute(sql.format(files)).fetchall()
    start = time.perf_counter()
    duck_rows = len(con.execute(sql.format(files)).fetchall())
    duck = time.perf_counter() - start

    frame = con.execute(f"SELECT lsoa_code, month, crime_type FROM read_parquet({files})").df()
    start = time.perf_counter()
    pandas_rows = len(frame.groupby(["lsoa_code", "month", "crime_type"], dropna=False).size())
    pandas_seconds = time.perf_counter() - start

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as pg:
        pg.execute("CREATE TEMP TABLE events (lsoa_code text, month date, crime_type text)")
        with pg.cursor().copy("COPY events FROM STDIN") as copy:
            for row in con.execute(f"SELECT lsoa_code, month, crime_type FROM read_parquet({files})").fetchall():
                copy.write_row(row)
        pg.execute("ANALYZE events")
        pg.execute("SELECT lsoa_code, month, crime_type, count(*) FROM events GROUP BY 1, 2, 3").fetchall()
        start = time.perf_counter()
        pg_rows = len(pg.execute("SELECT lsoa_code, month, crime_type, count(*) FROM events GROUP BY 1, 2, 3")
                      .fetchall())
        pg_seconds = time.perf_counter() - start
    assert duck_rows == pandas_rows == pg_rows
    return {"duckdb": duck, "postgres": pg_seconds, "pandas": pandas_seconds, "groups": duck_rows}


def run(label: str, load) -> None:
    from django.core.management import call_command

    from insights.services.warehouse import current_files

    call_command("migrate", verbosity=0)
    load()
    files = current_files("police")
    overview = time_overview()
    baselines = group_by_baselines(files)
    print(f"\n{label}: {sum(1 for _ in files)} partitions")
    print(f"  overview (6 figures): cold {overview['cold'] * 1000:.0f} ms, warm p50 {overview['warm_p50'] * 1000:.0f} ms, "
          f"p95 {overview['warm_p95'] * 1000:.0f} ms")
    print("  per figure, warm p95: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in overview["per_figure_p95"].items()))
    print(f"  LSOA × month × type GROUP BY ({baselines['groups']:,} groups): DuckDB {baselines['duckdb'] * 1000:.0f} ms, "
          f"PostgreSQL {baselines['postgres'] * 1000:.0f} ms ({baselines['postgres'] / baselines['duckdb']:.1f}×), "
          f"pandas {baselines['pandas'] * 1000:.0f} ms ({baselines['pandas'] / baselines['duckdb']:.1f}×)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=["real", "wm", "national"], required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        if args.set == "real":
            from insights.services.police_uk import ingest_police_uk

            run("real police.uk files (1.3 M rows)", lambda: ingest_police_uk([STREET]))
        elif args.set == "wm":
            run("generated West Midlands size (~1 M rows, 36 months)", lambda: generate(1_000_000, 36, 1_700))
        else:
            run("generated national size (~6 M rows, 12 months)", lambda: generate(6_000_000, 12, 35_000))


if __name__ == "__main__":
    main()
