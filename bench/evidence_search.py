"""Evidence search benchmark: 10,000 generated items, searched through ``evidence.services.search``.

For each engine (SQLite FTS5 and, when reachable, PostgreSQL full text in a scratch database), the same 30
queries (one to three words, some with a facet) are timed warm: p50 and p95 of the whole ``search`` call
(matching, ranking, facet counts, loading the page of items). The baseline, run in the same process on the
same data, is what one writes without an index: a Django ``icontains`` filter over title, summary and
findings, ordered by date. Target: p95 under 100 ms.

Run by hand: `.venv/bin/python bench/evidence_search.py [--items 10000] [--skip-postgres]`.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("knife violence mentoring school exclusion custody navigator hospital emergency youth sport football "
         "boxing gang exploitation county lines family trauma parenting police diversion curfew night economy "
         "alcohol weapon robbery street detached outreach summer holiday community faith church mosque "
         "temple girls women safety domestic abuse relationships bystander assembly teacher pupil college "
         "housing estate park transport bus station music drill social media online victim offender "
         "restorative justice probation court employment training apprenticeship housing mental health").split()
QUERIES = ["knife", "mentoring school", "hospital navigator", "county lines exploitation", "football",
           "domestic abuse", "detached outreach summer", "trauma", "night economy alcohol", "restorative justice",
           "gang", "bystander", "online drill", "parenting family", "weapon robbery street", "faith",
           "employment training", "bus station", "girls safety", "custody diversion", "mental health",
           "pupil exclusion", "curfew", "boxing", "holiday", "court probation", "teacher assembly",
           "social media", "housing estate", "victim"]


def setup(database_url: str, data_dir: Path) -> None:
    os.environ["VRP_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate(count: int, rng: random.Random) -> None:
    from django.db import transaction

    from commissioning.models import Theme
    from evidence.models import Design, EvidenceItem, Kind
    from evidence.services.search import index_item

    # Word frequencies follow Zipf's law, as in real text: the domain words are spread over the ranks of a
    # 5,000-word vocabulary, so a query word appears in a realistic share of items, not in all of them.
    filler = [f"w{n}" for n in range(5000 - len(WORDS))]
    vocabulary = filler[:]
    for n, word in enumerate(WORDS):
        vocabulary.insert(20 + n * 40, word)
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]

    def text(n: int) -> str:
        return " ".join(rng.choices(vocabulary, weights, k=n))

    with transaction.atomic():
        items = EvidenceItem.objects.bulk_create([EvidenceItem(
            title=text(6).capitalize(), summary=text(60), findings=text(120), kind=rng.choice(Kind.values),
            design=rng.choice(Design.values), themes=[rng.choice(Theme.values)], status="published",
            visibility="public" if rng.random() < 0.8 else "partners",
            published_on=date(2015 + rng.randrange(11), 1 + rng.randrange(12), 1)) for _ in range(count)])
        for item in EvidenceItem.objects.filter(pk__in=[i.pk for i in items]):
            index_item(item)


def timed(call, runs: int = 3) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return seconds


def measure(label: str) -> dict:
    from django.db.models import Q

    from evidence.models import EvidenceItem
    from evidence.services.search import SearchFilters, search

    visible = "public"
    ours, baseline = [], []
    for n, words in enumerate(QUERIES):
        filters = SearchFilters(words=words, kind="impact_evaluation" if n % 3 == 0 else "")
        search(visible, filters)  # warm
        ours += timed(lambda f=filters: search(visible, f))

        def naive(words: str = words, kind: str = filters.kind) -> list:
            condition = Q()
            for word in words.split():
                condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(findings__icontains=word)
            rows = EvidenceItem.objects.filter(condition, status="published", visibility="public")
            if kind:
                rows = rows.filter(kind=kind)
            return list(rows.order_by("-published_on")[:50])

        naive()
        baseline += timed(naive)
    p = {name: (statistics.median(v) * 1000, statistics.quantiles(v, n=20)[18] * 1000)
         for name, v in (("ours", ours), ("baseline", baseline))}
    print(f"{label:12} search p50 {p['ours'][0]:6.1f} ms  p95 {p['ours'][1]:6.1f} ms   |   icontains scan p50 "
          f"{p['baseline'][0]:6.1f} ms  p95 {p['baseline'][1]:6.1f} ms   |   baseline ÷ ours (p50) "
          f"{p['baseline'][0] / p['ours'][0]:.1f}×")
    return p


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    if args.engine == "sqlite" and not args.skip_postgres:
        # Each engine runs in its own process (Django configures one database per process).
        import subprocess

        with tempfile.TemporaryDirectory() as folder:
            setup(f"sqlite:///{folder}/bench.sqlite3", Path(folder))
            generate(args.items, random.Random(7))
            measure(f"SQLite FTS5, {args.items:,} items")
        subprocess.run([sys.executable, __file__, "--engine", "postgres", "--items", str(args.items)], check=False)
        return
    if args.engine == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            setup(f"sqlite:///{folder}/bench.sqlite3", Path(folder))
            generate(args.items, random.Random(7))
            measure(f"SQLite FTS5, {args.items:,} items")
        return
    import psycopg

    try:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS bench_evidence")
            admin.execute("CREATE DATABASE bench_evidence")
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL not reachable, skipped: {exc}")
        return
    with tempfile.TemporaryDirectory() as folder:
        setup("postgres://postgres@127.0.0.1:5432/bench_evidence", Path(folder))
        generate(args.items, random.Random(7))
        measure(f"PostgreSQL, {args.items:,} items")
        from django.db import connections

        connections.close_all()
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS bench_evidence")


if __name__ == "__main__":
    main()
