"""Load benchmark: the demo platform under gunicorn on loopback, 50 concurrent users, with locust.

    .venv/bin/python bench/load.py [--users 50] [--seconds 60] [--workers 2] [--database sqlite|postgres]
                                   [--scenarios cached,cache-busting,random-filters,open-referral,signed-in]

Loads the demo region into a fresh data folder and database, starts gunicorn on a free port, and runs locust
headless (FastHttpUser, no think time) for each scenario in turn, printing requests per second, p50 and p99
latency and errors for each, and its throughput as a ratio to the cached pages measured in the same run:

- **cached**: anonymous visitors on the public dashboard, a figure's JSON, the commissioning dashboard and
  the service directory (the page cache serves them);
- **cache-busting**: the same pages, but every visitor sends a made-up session cookie (``sessionid=x``) and
  one failed sign-in a second is posted throughout (issue 15 item 11: both used to defeat the cache);
- **random filters**: the uncached overview: ``/insights/`` with a random area (local authority or LSOA),
  crime type and year (the issue's target is for this page alone, so it has the machine to itself);
- **random periods**: the same page with any area of the region (local authority, ward, MSOA or LSOA), any
  type and any span of the months held (a hostile visitor's choice: whole years are what ``vrp warm`` was
  first built for);
- **open referral**: Open Referral ``/openreferral/services`` with random words, activity, age, day and page
  (measured with the overview in one scenario until 2026-12-02: their sum was about twice either's rate);
- **signed-in**: partners (each user with its own session, signed in before the run) on their own local
  authority's overview, the incident list, the commissioning dashboard and the directory: never page-cached,
  their figures depend on who they are (figure results are kept per viewer scope in the shared cache).

Targets (issue 15 item 12): uncached overview with random filters ≥ 100 req/s with p99 ≤ 1 s, signed-in
partner pages ≥ 60 req/s. ``bench/overview_render.py`` measures the CPU per render behind these in process.
"""

import argparse
import csv
import json
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
PASSWORD = "load-test-password-1"  # noqa: S105 - throwaway accounts in a scratch database
SCENARIOS = ("cached", "cache-busting", "random-filters", "random-periods", "open-referral", "signed-in")

LOCUSTFILE = textwrap.dedent('''
    import json
    import os
    import random
    import re

    from locust import task
    from locust.contrib.fasthttp import FastHttpUser

    SCENARIO = os.environ["VRP_LOAD_SCENARIO"]
    PAGES = json.loads(os.environ["VRP_LOAD_PAGES"])
    WORLD = json.loads(os.environ["VRP_LOAD_WORLD"])
    PASSWORD = os.environ["VRP_LOAD_PASSWORD"]
    USERS = iter(range(10_000))


    def fetch(client, path, name, **extra):
        """A page that must answer 200 itself (a redirect to the sign-in page is an error, not a success)."""
        with client.get(path, name=name, catch_response=True, allow_redirects=False, **extra) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


    class Visitor(FastHttpUser):
        def on_start(self):
            if SCENARIO == "signed-in":
                # Signed in before the run (a session each, made by the set-up): the run measures the pages,
                # not password hashing, which would take the first seconds of every worker.
                self.partner = WORLD["partners"][next(USERS) % len(WORLD["partners"])]
                self.cookie = {"Cookie": "sessionid=" + self.partner["sessions"].pop()}

        @task
        def browse(self):
            if SCENARIO == "cached":
                for name, path in PAGES.items():
                    fetch(self.client, path, name)
            elif SCENARIO == "cache-busting":
                for name, path in PAGES.items():
                    fetch(self.client, path, name, headers={"Cookie": "sessionid=x"})
            elif SCENARIO == "random-filters":
                year = random.choice(WORLD["years"])
                area = random.choice(WORLD["areas"])
                kind = random.choice(WORLD["types"] + [""])
                fetch(self.client, f"/insights/?area={area}&type={kind}&from={year}-01&to={year}-12",
                      "overview, random area/type/year")
            elif SCENARIO == "random-periods":
                months = WORLD["months"]
                start, end = sorted(random.sample(range(len(months)), 2))
                area = random.choice(WORLD["every_area"])
                kind = random.choice(WORLD["types"] + [""])
                fetch(self.client, f"/insights/?area={area}&type={kind}&from={months[start]}&to={months[end]}",
                      "overview, any area/type/months")
            elif SCENARIO == "open-referral":
                query = {"search": random.choice(["", "football", "youth", "club", "boxing", "music"]),
                         "taxonomy_term_id": random.choice(WORLD["terms"] + [""]),
                         "minimum_age": random.choice(["", "11", "14", "17"]),
                         "day": random.choice(["", "MO", "TU", "WE", "TH", "FR", "SA", "SU"]),
                         "page": random.choice(["1", "2"])}
                fetch(self.client, "/openreferral/services?" + "&".join(f"{k}={v}" for k, v in query.items() if v),
                      "Open Referral services, random filters")
            else:
                fetch(self.client, f"/insights/?area={self.partner['lad']}", "partner: own area overview",
                      headers=self.cookie)
                fetch(self.client, "/incidents/", "partner: incidents", headers=self.cookie)
                fetch(self.client, "/commissioning/", "partner: commissioning dashboard", headers=self.cookie)
                fetch(self.client, "/places/directory/", "partner: service directory", headers=self.cookie)
''')

FAILED_SIGN_INS = textwrap.dedent('''
    import re, sys, time, urllib.parse, urllib.request, http.cookiejar
    url = sys.argv[1]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    while True:
        try:
            page = opener.open(url + "/accounts/login/", timeout=30).read().decode()
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            data = urllib.parse.urlencode({"username": "nobody", "password": "wrong", "csrfmiddlewaretoken": token})
            opener.open(urllib.request.Request(url + "/accounts/login/", data=data.encode(),
                                               headers={"Referer": url + "/accounts/login/"}), timeout=30).read()
        except Exception:
            pass
        time.sleep(1)
''')

WORLD_SCRIPT = textwrap.dedent('''
    import json
    from django.test import Client
    from core.models import Organisation, User
    from core.region import current_region
    from geography.models import Area
    from insights.query.catalogue import default_query
    from places.models import TaxonomyTerm

    region = current_region()
    lads = list(region.lad_codes)
    lsoas = list(Area.objects.filter(code__startswith="E01").order_by("code").values_list("code", flat=True)[:200])
    partners = []
    for n, lad in enumerate(lads):
        org, _ = Organisation.objects.get_or_create(name=f"Load test council {n}",
                                                    defaults={"kind": "local_authority", "area_codes": [lad]})
        user, created = User.objects.get_or_create(username=f"load-partner-{n}",
                                                   defaults={"role": "partner", "organisation": org})
        user.set_password(PASSWORD)
        user.save()
        sessions = []
        for _ in range(USERS_PER_PARTNER):  # as a sign-in leaves them (Django's test client signs in the same way)
            client = Client()
            client.force_login(user)
            sessions.append(client.cookies["sessionid"].value)
        partners.append({"username": user.username, "lad": lad, "sessions": sessions})
    query = default_query()
    first, last = int(query.month_from[:4]), int(query.month_to[:4])
    from insights.query.figures import FigureQuery, counts
    types = sorted({r["crime_type"] for r in counts(FigureQuery(), ["crime_type"])})[:12]
    from insights.query.access import loaded_months
    from insights.query.warm import region_areas
    print(json.dumps({"partners": partners, "areas": lads + lsoas, "years": list(range(first, last + 1)),
                      "types": types, "terms": list(TaxonomyTerm.objects.values_list("code", flat=True)),
                      "every_area": region_areas(), "months": loaded_months("police")}))
''')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, database: str, users: int) -> tuple[dict[str, str], dict]:
    env = {**os.environ, "VRP_DATA_DIR": str(folder / "var"), "VRP_ALLOWED_HOSTS": "127.0.0.1",
           "VRP_DEBUG": "false", "VRP_SECURE_COOKIES": "false", "VRP_SSL_REDIRECT": "false"}
    if database == "postgres":
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/vrp_load_bench"
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                        "DROP DATABASE IF EXISTS vrp_load_bench", "-c", "CREATE DATABASE vrp_load_bench"],
                       check=True, capture_output=True)
    vrp = [sys.executable, "-m", "vrp.cli"]
    subprocess.run([*vrp, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*vrp, "demo"], env=env, check=True, cwd=ROOT, capture_output=True)
    # What ``vrp worker`` (beside the server in ``make run`` and in production) does after every change to the
    # data: the region's counts by every area for each whole year and type, computed before visitors ask.
    subprocess.run([*vrp, "warm"], env=env, check=True, cwd=ROOT, capture_output=True)
    script = WORLD_SCRIPT.replace("PASSWORD)", f"{PASSWORD!r})").replace("USERS_PER_PARTNER", str(users))
    world = subprocess.run([*vrp, "shell", "-c", script], env=env, check=True, cwd=ROOT, capture_output=True,
                           text=True).stdout.strip().splitlines()[-1]
    return env, json.loads(world)


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


def run_locust(url: str, scenario: str, world: dict, users: int, seconds: int, folder: Path) -> list[dict]:
    locustfile = folder / "locustfile.py"
    locustfile.write_text(LOCUSTFILE)
    prefix = folder / f"stats-{scenario}-{time.monotonic_ns()}"
    env = {**os.environ, "VRP_LOAD_SCENARIO": scenario, "VRP_LOAD_PAGES": json.dumps(PAGES),
           "VRP_LOAD_WORLD": json.dumps(world), "VRP_LOAD_PASSWORD": PASSWORD}
    attacker = None
    if scenario == "cache-busting":
        attacker = subprocess.Popen([sys.executable, "-c", FAILED_SIGN_INS, url], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
    try:
        run = subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-u", str(users),
                              "-r", str(users), "-t", f"{seconds}s", "--host", url, "--csv", str(prefix),
                              "--only-summary", "--loglevel", "ERROR"], check=False, cwd=folder, capture_output=True,
                             env=env, text=True)
        if "Traceback" in run.stderr:
            print(run.stderr[-3000:], file=sys.stderr)
    finally:
        if attacker is not None:
            attacker.terminate()
            attacker.wait(timeout=10)
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def summary(rows: list[dict]) -> dict:
    """The scenario's figures over its measured requests (the one-off sign-ins left out)."""
    measured = [r for r in rows if r["Name"] not in ("Aggregated", "sign in (once)")]
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests = sum(int(r["Request Count"]) for r in measured)
    signed = [r for r in rows if r["Name"] == "sign in (once)"]
    rps = float(total["Requests/s"]) * (requests / max(int(total["Request Count"]), 1))
    def ms(value: str) -> float:
        return float("nan") if value in ("", "N/A") else float(value)

    return {"rps": rps, "p50": ms(total["50%"]), "p99": ms(total["99%"]),
            "errors": sum(int(r["Failure Count"]) for r in measured) + sum(int(r["Failure Count"]) for r in signed),
            "pages": measured}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args()
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}; choose from {', '.join(SCENARIOS)}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        env, world = prepare(folder, args.database, args.users)
        server, url = serve(env, args.workers)
        results = {}
        try:
            for scenario in chosen:
                results[scenario] = summary(run_locust(url, scenario, world, args.users, args.seconds, folder))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    print(f"\n{args.users} users, {args.seconds} s each, gunicorn {args.workers} workers, {args.database}, "
          f"locust on the same machine\n")
    print(f"| {'scenario':<16} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} | {'÷ cached':>8} |")
    print(f"|{'-' * 18}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 8}|{'-' * 10}|")
    cached = results.get("cached", {}).get("rps")
    for scenario, result in results.items():
        ratio = f"{result['rps'] / cached:.2f}" if cached else "–"
        print(f"| {scenario:<16} | {result['rps']:>7.0f} | {result['p50']:>7.0f} | {result['p99']:>7.0f} | "
              f"{result['errors']:>6} | {ratio:>8} |")
    print()
    for scenario, result in results.items():
        for page in result["pages"]:
            print(f"  {scenario:<16} {page['Name']:<42} {float(page['Requests/s']):>7.0f} req/s  "
                  f"p50 {page['50%']:>6} ms  p99 {page['99%']:>6} ms  errors {page['Failure Count']}")


if __name__ == "__main__":
    main()
