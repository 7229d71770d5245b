"""Load benchmark: the public pages under gunicorn on loopback, 50 concurrent users for 60 s, with locust.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 4] [--database sqlite|postgres]

Loads the synthetic demo region into a fresh data folder and database, starts gunicorn on a free port, then
runs locust headless (FastHttpUser, no think time) over the public dashboard, a figure's JSON, the
commissioning dashboard and the service directory, and prints requests per second, p50/p99 latency and
errors per page and in all. In the same run, for a baseline, it times the same pages with the public page
cache switched off (``VRP_PUBLIC_CACHE_SECONDS=0``), so the ratio shows what the cache buys.
Targets (issue 9): at least 300 requests per second on the cached public pages, p99 at most 250 ms, 0 errors.
"""

import argparse
import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {
    "public dashboard": "/insights/",
    "figure JSON": "/insights/figures/trend.json",
    "commissioning dashboard": "/commissioning/",
    "service directory": "/places/directory/",
}
LOCUSTFILE = textwrap.dedent(f"""
    from locust import task
    from locust.contrib.fasthttp import FastHttpUser

    PAGES = {PAGES!r}

    class Visitor(FastHttpUser):
        @task
        def browse(self):
            for name, path in PAGES.items():
                self.client.get(path, name=name)
""")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, database: str) -> dict[str, str]:
    env = {**os.environ, "VRP_DATA_DIR": str(folder / "var"), "VRP_ALLOWED_HOSTS": "127.0.0.1",
           "VRP_DEBUG": "false", "VRP_SECURE_COOKIES": "false", "VRP_SSL_REDIRECT": "false"}
    if database == "postgres":
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/vrp_load_bench"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c",
                        "DROP DATABASE IF EXISTS vrp_load_bench", "-c", "CREATE DATABASE vrp_load_bench"],
                       check=True, capture_output=True)
    vrp = [sys.executable, "-m", "vrp.cli"]
    subprocess.run([*vrp, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*vrp, "demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    return env


def serve(env: dict[str, str], workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "vrp.wsgi:application", "--bind",
                               f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"],
                              env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            for path in PAGES.values():  # warm each worker's page cache and shared database
                urllib.request.urlopen(url + path, timeout=30).read()  # noqa: S310 - loopback
            return server, url
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def run_locust(url: str, users: int, seconds: int, folder: Path) -> list[dict]:
    locustfile = folder / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    prefix = folder / f"stats-{time.monotonic_ns()}"
    subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", str(users),
                    "-r", str(users), "-t", f"{seconds}s", "--host", url, "--csv", str(prefix), "--only-summary",
                    "--loglevel", "ERROR"], check=False, cwd=folder, capture_output=True)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def report(label: str, rows: list[dict]) -> dict:
    print(f"\n{label}")
    print(f"  {'page':<26} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for row in rows:
        print(f"  {row['Name']:<26} {float(row['Requests/s']):>8.0f} {row['50%']:>8} {row['99%']:>8} "
              f"{row['Failure Count']:>7}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {"rps": float(total["Requests/s"]), "p50": float(total["50%"]), "p99": float(total["99%"]),
            "errors": int(total["Failure Count"])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        env = prepare(folder, args.database)
        results = {}
        for label, cache_seconds in (("cached (as deployed)", None), ("page cache off (baseline)", "0")):
            if cache_seconds is not None and args.skip_baseline:
                continue
            run_env = {**env, **({"VRP_PUBLIC_CACHE_SECONDS": cache_seconds} if cache_seconds else {})}
            server, url = serve(run_env, args.workers)
            try:
                rows = run_locust(url, args.users, args.seconds, folder)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
            results[label] = report(f"{label}: {args.users} users, {args.seconds} s, gunicorn {args.workers} "
                                    f"workers, {args.database}", rows)
        cached = results["cached (as deployed)"]
        print(f"\ncached: {cached['rps']:.0f} req/s, p50 {cached['p50']:.0f} ms, p99 {cached['p99']:.0f} ms, "
              f"{cached['errors']} errors (targets: ≥300 req/s, p99 ≤250 ms, 0 errors)")
        if "page cache off (baseline)" in results:
            baseline = results["page cache off (baseline)"]
            print(f"baseline without the page cache: {baseline['rps']:.0f} req/s, p99 {baseline['p99']:.0f} ms "
                  f"({cached['rps'] / max(baseline['rps'], 1e-9):.1f}× the throughput with the cache)")


if __name__ == "__main__":
    main()
