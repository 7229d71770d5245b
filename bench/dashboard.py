"""Dashboard benchmark: the region overview's queries, warm and cold, against PostgreSQL and pandas.

Data sets, each loaded into a fresh data folder and database:
  * the real police.uk files in ../shared/data/police-uk/street (1.3 M rows, ingested with `vrp ingest`);
  * a generated West Midlands-sized three years (~1 M rows, 1,700 LSOAs, 36 months);
  * a generated national-size year (~6 M rows, 35,000 LSOAs, 12 months).
Generated rows are written by DuckDB straight into the warehouse layout and registered in the manifest, as
an ingest would leave them. For each, the overview's six figures are timed cold (first query after the shared
database and its pre-aggregated cubes are rebuilt) and warm (p50/p95 of 20 runs). In the same run the same
six figures are computed as plain SQL over the raw events (one row per crime, with its LSOA and local
authority already joined, an index on month) in PostgreSQL (127.0.0.1:5432, database `test`, a temporary
table) and in bare DuckDB, and with pandas over a DataFrame of the same rows; each prints its warm p95 and
its ratio to ours.

Run by hand: `.venv/bin/python bench/dashboard.py --set real|wm|national`.
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

    from insights.ingest.warehouse import partition_path, warehouse_dir
    from insights.models import IngestBatch, IngestFile, WarehousePartition

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


NAMES = ["headline", "trend", "types", "local_authorities", "places", "seasonality"]


def p95(runs: list[float]) -> float:
    return statistics.quantiles(runs, n=20)[18]


def overview_query():
    from dataclasses import replace

    from insights.query.catalogue import default_query

    return replace(default_query(), lad_codes=())  # the whole warehouse


def time_overview() -> dict:
    from core import figures as registry
    from insights.query.access import FULL
    from insights.query.figures import SHARED

    def figure_rows(name, query, unsuppressed):
        return registry.get(name).table(query, FULL).rows

    query = overview_query()
    assert all(registry.get(name) for name in NAMES)
    SHARED.reset()
    start = time.perf_counter()
    for name in NAMES:
        figure_rows(name, query, unsuppressed=True)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(WARM_RUNS):
        start = time.perf_counter()
        for name in NAMES:
            figure_rows(name, query, unsuppressed=True)
        warm.append(time.perf_counter() - start)
    per_figure = {}
    for name in NAMES:
        runs = []
        for _ in range(WARM_RUNS):
            start = time.perf_counter()
            figure_rows(name, query, unsuppressed=True)
            runs.append(time.perf_counter() - start)
        per_figure[name] = p95(runs)
    return {"cold": cold, "warm_p50": statistics.median(warm), "warm_p95": p95(warm), "per_figure_p95": per_figure}


def baseline_sql(month_from: str, month_to: str, year_before: str) -> dict[str, str]:
    """Each overview figure as one plain SQL statement over the raw events (one row per crime, with its 2021
    LSOA and local authority), written once for PostgreSQL and bare DuckDB alike."""
    period = f"month BETWEEN DATE '{month_from}-01' AND DATE '{month_to}-01'"
    both_years = f"month BETWEEN DATE '{year_before}-01' AND DATE '{month_to}-01'"
    measures = ", ".join(
        f"count(*) FILTER (WHERE month >= DATE '{month_from}-01' AND crime_type = '{t}'), "
        f"count(*) FILTER (WHERE month < DATE '{month_from}-01' AND crime_type = '{t}')"
        for t in ("Violence and sexual offences", "Possession of weapons", "Robbery"))
    return {
        "headline": f"SELECT {measures} FROM events WHERE {both_years}",
        "trend": f"SELECT month, count(*) FROM events WHERE {both_years} GROUP BY 1 ORDER BY 1",
        "types": f"SELECT crime_type, count(*) FROM events WHERE {period} GROUP BY 1 ORDER BY 2 DESC",
        "local_authorities": f"SELECT lad_code, count(*) FROM events WHERE {period} GROUP BY 1 ORDER BY 1",
        "places": f"SELECT lsoa21_code, count(*) AS n FROM events WHERE {period} AND lsoa21_code IS NOT NULL "
                  "GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20",
        "seasonality": f"SELECT extract(month FROM month), count(*) FROM events WHERE {period} GROUP BY 1 ORDER BY 1",
    }


def pandas_figures(frame, month_from: str, month_to: str, year_before: str) -> None:
    """The same six figures in pandas over the same raw events."""
    import pandas as pd

    start, end, before = (pd.Timestamp(f"{m}-01") for m in (month_from, month_to, year_before))
    both = frame[(frame.month >= before) & (frame.month <= end)]
    period = both[both.month >= start]
    headline = []
    for t in ("Violence and sexual offences", "Possession of weapons", "Robbery"):
        of_type = both.crime_type == t
        headline += [int((of_type & (both.month >= start)).sum()), int((of_type & (both.month < start)).sum())]
    both.groupby("month").size()
    period.groupby("crime_type").size().sort_values()
    period.groupby("lad_code").size()
    period.groupby("lsoa21_code").size().nlargest(20)
    period.groupby(period.month.dt.month).size()


def baselines(query) -> dict:
    """The six figures as plain SQL over the raw events in PostgreSQL and in bare DuckDB, and in pandas, each
    warm p95 of all six together (the same measure as ours)."""
    import duckdb
    import psycopg

    from insights.query.figures import SHARED

    start = query.month_from
    year_before = f"{int(start[:4]) - 1}{start[4:]}"
    statements = baseline_sql(query.month_from, query.month_to, year_before)
    cursor, _ = SHARED.cursor("police")
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder) / "events.parquet"
        cursor.execute(f"COPY (SELECT month, crime_type, lsoa21_code, lad_code FROM events_police) TO '{raw}' "
                       "(FORMAT parquet)")
        cursor.close()
        bare = duckdb.connect()
        bare.execute(f"CREATE TABLE events AS SELECT * FROM '{raw}'")
        frame = bare.execute("SELECT * FROM events").df()
        csv_path = Path(folder) / "events.csv"
        bare.execute(f"COPY events TO '{csv_path}' (HEADER false)")

        def warm(run) -> float:
            run()
            runs = []
            for _ in range(WARM_RUNS):
                begin = time.perf_counter()
                run()
                runs.append(time.perf_counter() - begin)
            return p95(runs)

        bare_seconds = warm(lambda: [bare.execute(sql).fetchall() for sql in statements.values()])
        pandas_seconds = warm(lambda: pandas_figures(frame, query.month_from, query.month_to, year_before))
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as pg:
            pg.execute("CREATE TEMP TABLE events (month date, crime_type text, lsoa21_code text, lad_code text)")
            with pg.cursor().copy("COPY events FROM STDIN (FORMAT csv)") as copy, open(csv_path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
            pg.execute("CREATE INDEX ON events (month)")
            pg.execute("ANALYZE events")
            pg_seconds = warm(lambda: [pg.execute(sql).fetchall() for sql in statements.values()])
            # Same answers as bare DuckDB (PostgreSQL returns months as dates, DuckDB too).
            for name, sql in statements.items():
                assert len(pg.execute(sql).fetchall()) == len(bare.execute(sql).fetchall()), name
    return {"postgres": pg_seconds, "duckdb": bare_seconds, "pandas": pandas_seconds}


def run(label: str, load) -> None:
    from django.core.management import call_command

    from insights.ingest.warehouse import current_files

    call_command("migrate", verbosity=0)
    load()
    files = current_files("police")
    overview = time_overview()
    others = baselines(overview_query())
    ours = overview["warm_p95"]
    print(f"\n{label}: {len(files)} partitions")
    print(f"  overview (6 figures): cold {overview['cold'] * 1000:.0f} ms, warm p50 {overview['warm_p50'] * 1000:.0f} ms, "
          f"p95 {ours * 1000:.0f} ms")
    print("  per figure, warm p95: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in overview["per_figure_p95"].items()))
    print("  the same six figures as plain SQL over the raw events, warm p95: "
          + ", ".join(f"{k} {v * 1000:.0f} ms ({v / ours:.1f}× ours)" for k, v in others.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=["real", "wm", "national"], required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder))
        if args.set == "real":
            from insights.ingest.police_uk import ingest_police_uk

            run("real police.uk files (1.3 M rows)", lambda: ingest_police_uk([STREET]))
        elif args.set == "wm":
            run("generated West Midlands size (~1 M rows, 36 months)", lambda: generate(1_000_000, 36, 1_700))
        else:
            run("generated national size (~6 M rows, 12 months)", lambda: generate(6_000_000, 12, 35_000))


if __name__ == "__main__":
    main()
