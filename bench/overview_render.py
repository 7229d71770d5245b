"""CPU per render of the insights overview and a signed-in partner's pages, in process (issue 15 item 12).

    .venv/bin/python bench/overview_render.py [--renders 40] [--profile 25]

Loads the demo region into a fresh data folder and SQLite database, then renders, with Django's test client
and the page cache emptied before every request (so every page is computed, as under a cache-busting load):

- **random filters**: ``/insights/`` with a random area (local authority or LSOA), crime type and year, the
  same seeded list of pages in every mode;
- **partner**: a signed-in partner's own local authority overview, incident list, commissioning dashboard and
  service directory.

Each in three modes, in the same process: **no figure cache** (``VRP_PUBLIC_CACHE_SECONDS=0``: every figure
computed from the warehouse, as before the figure cache), **figure cache, cold** (the shared cache emptied
first: each figure computed once and stored) and **figure cache, warm** (the same pages again: figures read
from the shared cache). It prints CPU ms per render (process time, so other users of the machine do not count)
and each mode's ratio to the first; with ``--profile N``, the N functions with the most cumulative time in the
first mode's random-filter renders (cProfile, in a separate pass after the timed ones).

Run on the code before a change (same script, same machine) to get the "before" row: it uses nothing new.
"""

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(folder: Path) -> None:
    os.environ["VRP_DATA_DIR"] = str(folder / "var")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("VRP_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("demo", verbosity=0)


def world() -> dict:
    """Pages to render: random area/type/year overviews, and a partner of each local authority."""
    from core.models import Organisation, User
    from core.region import current_region
    from geography.models import Area
    from insights.query.catalogue import default_query
    from insights.query.figures import FigureQuery, counts

    lads = list(current_region().lad_codes)
    lsoas = list(Area.objects.filter(code__startswith="E01").order_by("code").values_list("code", flat=True)[:200])
    query = default_query()
    years = list(range(int(query.month_from[:4]), int(query.month_to[:4]) + 1))
    types = sorted({r["crime_type"] for r in counts(FigureQuery(), ["crime_type"])})[:12]
    partners = []
    for n, lad in enumerate(lads):
        org, _ = Organisation.objects.get_or_create(name=f"Bench council {n}",
                                                    defaults={"kind": "local_authority", "area_codes": [lad]})
        user, _ = User.objects.get_or_create(username=f"bench-partner-{n}",
                                             defaults={"role": "partner", "organisation": org})
        partners.append((user, lad))
    return {"lads": lads, "areas": lads + lsoas, "years": years, "types": types, "partners": partners}


def overview_paths(w: dict, n: int, seed: int = 15) -> list[str]:
    pick = random.Random(seed)
    paths = []
    for _ in range(n):
        year, area, kind = pick.choice(w["years"]), pick.choice(w["areas"]), pick.choice([*w["types"], ""])
        paths.append(f"/insights/?area={area}&type={kind}&from={year}-01&to={year}-12")
    return paths


def render_all(client, paths: list[str]) -> float:
    """CPU seconds to render ``paths`` (each must answer 200), the page cache emptied before each."""
    from django.core.cache import caches

    start = time.process_time()
    for path in paths:
        caches["default"].clear()
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return time.process_time() - start


def partner_paths(w: dict, n: int) -> list[tuple[object, list[str]]]:
    pages = []
    for i in range(n):
        user, lad = w["partners"][i % len(w["partners"])]
        pages.append((user, [f"/insights/?area={lad}", "/incidents/", "/commissioning/", "/places/directory/"]))
    return pages


def render_partners(pages: list[tuple[object, list[str]]]) -> float:
    from django.test import Client

    clients = {}
    total = 0.0
    for user, paths in pages:
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        total += render_all(clients[user.pk], paths)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions by cumulative time")
    parser.add_argument("--profile-out", help="also write the profile here (for pstats or snakeviz)")
    parser.add_argument("--folder", help="keep the data folder here and reuse it (vrp demo again is ~20 s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        setup(Path(args.folder) if args.folder else Path(scratch))
        from django.core.cache import caches
        from django.test import Client
        from django.test.utils import override_settings

        from core.caches import clear_caches

        w = world()
        paths = overview_paths(w, args.renders)
        partners = partner_paths(w, max(1, args.renders // 4))
        client = Client()
        client.get(paths[0])  # warm up: the shared DuckDB database and the geography tables, once per process
        render_partners(partners[:1])
        results: dict[str, tuple[float, float]] = {}
        with override_settings(VRP_PUBLIC_CACHE_SECONDS=0):
            results["no figure cache"] = (render_all(client, paths), render_partners(partners))
        caches["shared"].clear()
        clear_caches()  # and what each process keeps in front of it
        results["figure cache, cold"] = (render_all(client, paths), render_partners(partners))
        results["figure cache, warm"] = (render_all(client, paths), render_partners(partners))
        profile = None
        if args.profile:
            profile = cProfile.Profile(time.process_time)
            with override_settings(VRP_PUBLIC_CACHE_SECONDS=0):
                profile.runcall(render_all, client, paths)
        base_overview, base_partner = results["no figure cache"]
        partner_renders = sum(len(p) for _, p in partners)
        print(f"\n{len(paths)} overview renders with random area/type/year; {partner_renders} signed-in partner "
              "page renders; CPU ms per render (process time)\n")
        print(f"| {'mode':<20} | {'overview ms':>11} | {'÷ no cache':>10} | {'partner ms':>10} | {'÷ no cache':>10} |")
        print(f"|{'-' * 22}|{'-' * 13}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")
        for mode, (overview, partner) in results.items():
            print(f"| {mode:<20} | {1000 * overview / len(paths):>11.1f} | {overview / base_overview:>10.2f} | "
                  f"{1000 * partner / partner_renders:>10.1f} | {partner / base_partner:>10.2f} |")
        if profile:
            print(f"\nTop {args.profile} by cumulative time, no figure cache, {len(paths)} overview renders:")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
            if args.profile_out:
                profile.dump_stats(args.profile_out)


if __name__ == "__main__":
    main()
