"""Ingest benchmark: `vrp ingest police-uk` against bare DuckDB read_csv→Parquet and pandas read_csv→to_parquet.

Run by hand (`make bench`); prints seconds, peak memory and ratios measured in the same run. Each method runs
in a fresh subprocess so its peak resident memory (ru_maxrss) is its own.

Inputs: the 167 real police.uk files in ../shared/data/police-uk/street (1.3 M rows), and generated files of
1 M and 3 M rows in the same format (to show memory staying flat as files grow). ``--files 20 --generated``
is a small run (20 real files, nothing generated).
"""

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STREET = ROOT.parent / "shared" / "data" / "police-uk" / "street"


def generate(path: Path, rows: int) -> Path:
    """A police.uk-shaped CSV of ``rows`` rows (synthetic values, real column layout)."""
    import numpy as np

    rng = np.random.default_rng(1)
    types = ["Violence and sexual offences", "Anti-social behaviour", "Public order", "Shoplifting", "Burglary"]
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                         "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"])
        lon = rng.uniform(-2.1, -1.7, rows)
        lat = rng.uniform(52.35, 52.6, rows)
        lsoa = rng.integers(25000, 27000, rows)
        kind = rng.integers(0, len(types), rows)
        for i in range(rows):
            writer.writerow([f"{i:064x}", "2024-01", "West Midlands Police", "West Midlands Police",
                             f"{lon[i]:.6f}", f"{lat[i]:.6f}", "On or near Bench Street", f"E01{lsoa[i]:06d}",
                             "Birmingham 001A", types[kind[i]], "Under investigation", ""])
    return path


def run_child(method: str, inputs: list[str], out: str) -> dict:
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.ingest import child; child()"
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_INPUTS": json.dumps(inputs), "BENCH_OUT": out}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{method} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def child() -> None:
    """Run one method; libraries are imported before the clock starts, as in a running service."""
    method, inputs, out = os.environ["BENCH_METHOD"], json.loads(os.environ["BENCH_INPUTS"]), os.environ["BENCH_OUT"]
    if method == "duckdb":
        import duckdb

        from insights.ingest.police_uk_format import READ_OPTIONS

        start = time.perf_counter()
        con = duckdb.connect()
        con.execute("SET threads = 2")
        # The same files in one read_csv call with the same column types: the fastest bare copy.
        con.execute(f"COPY (SELECT * FROM read_csv({inputs!r}, {READ_OPTIONS})) "
                    f"TO '{out}/all.parquet' (FORMAT parquet, COMPRESSION zstd)")
    elif method == "pandas":  # the way an analyst's notebook does it: one file at a time
        import pandas as pd
        import pyarrow  # noqa: F401 - to_parquet's engine

        start = time.perf_counter()
        for i, path in enumerate(inputs):
            pd.read_csv(path, dtype=str).to_parquet(f"{out}/{i}.parquet", compression="zstd")
    else:
        os.environ["VRP_DATA_DIR"] = out
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from insights.ingest.police_uk import ingest_police_uk

        start = time.perf_counter()
        ingest_police_uk([Path(p) for p in inputs])
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=None, help="how many of the real files (default all)")
    parser.add_argument("--generated", type=int, nargs="*", default=[1_000_000, 3_000_000],
                        help="rows of each generated file (default 1000000 3000000; none to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        real = sorted(str(p) for p in STREET.glob("*-street.csv.gz"))[:args.files]
        sets = {f"real {len(real)} files": real}
        for rows in args.generated:
            sets[f"generated {rows / 1e6:g} M rows"] = [str(generate(Path(scratch) / f"gen{rows}.csv", rows))]
        print(f"{'input':32} {'method':8} {'seconds':>8} {'peak MB':>8} {'× DuckDB':>9} {'pandas ×':>9}")
        for label, inputs in sets.items():
            results = {}
            for method in ("vrp", "duckdb", "pandas"):
                out = tempfile.mkdtemp(dir=scratch)
                results[method] = run_child(method, inputs, out)
            for method, r in results.items():
                vs_duck = r["seconds"] / results["duckdb"]["seconds"]
                pandas_slower = results["pandas"]["seconds"] / r["seconds"]
                print(f"{label:32} {method:8} {r['seconds']:8.2f} {r['peak_mb']:8.0f} "
                      f"{vs_duck:9.2f} {pandas_slower:9.2f}")


if __name__ == "__main__":
    main()
