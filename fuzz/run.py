"""Coverage-guided fuzzing of every parser with atheris, each for a bounded time.

    .venv/bin/python fuzz/run.py --seconds 10 [--seed 1] [TARGET ...]

Each target (``fuzz/targets.py``) runs in its own process on a fresh copy of one migrated SQLite database
and data folder, starting from its valid sample. An input must land, or be rejected with problems that
each name the file and say what was wrong, leaving every table and warehouse file as it was; anything else
(an exception other than ``InputRejected``, a rejection that changed what is stored) is a crash, saved by
libFuzzer as ``crash-*`` in the working folder, and the run fails. Prints the inputs tried per target.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
INSTRUMENTED = ["core", "geography", "insights", "commissioning", "monitoring", "evidence", "places", "engagement"]


def _setup_django(folder: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["VRP_DATA_DIR"] = str(folder / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "vrp.settings"
    import django

    django.setup()


def prepare_template(folder: Path) -> None:
    """A migrated database and empty data folder that every target's process starts from."""
    _setup_django(folder)
    from django.core.management import call_command

    (folder / "var").mkdir(exist_ok=True)
    call_command("migrate", verbosity=0)


def fuzz_one(name: str, folder: Path, seconds: int, seed: int) -> None:
    """Run inside the target's own process: atheris calls ``one_input`` until the time is up."""
    import atheris

    _setup_django(folder)
    with atheris.instrument_imports(include=INSTRUMENTED):
        from fuzz.targets import TARGETS, counted_state, problems_of, rejection_fault

        for module in ("insights.ingest.police_uk", "insights.ingest.police_api", "insights.ingest.ed",
                       "geography.services.lookups", "geography.services.population",
                       "geography.services.deprivation", "commissioning.services.threesixty",
                       "commissioning.services.projects", "monitoring.services.returns",
                       "places.services.directory", "places.services.schools", "places.services.postcodes",
                       "insights.query.harm", "evidence.services.items", "places.forms",
                       "engagement.services.imports", "engagement.services.feedback"):
            __import__(module)
    target = TARGETS[name]
    context = target.prepare()
    corpus = folder / "corpus"
    corpus.mkdir()
    (corpus / "sample").write_bytes(target.sample(SHARED_DATA))
    inputs = folder / "inputs"
    inputs.mkdir()
    counter = iter(range(10**12))

    def one_input(data: bytes) -> None:
        path = inputs / str(next(counter)) / target.file_name
        path.parent.mkdir()
        path.write_bytes(data)
        before = counted_state()
        problems = problems_of(target, path, context)
        fault = rejection_fault(target, problems, before) if problems is not None else None
        if fault:
            raise AssertionError(fault)
        shutil.rmtree(path.parent)

    atheris.Setup([sys.argv[0], str(corpus), f"-max_total_time={seconds}", f"-seed={seed}",
                   "-print_final_stats=1", "-rss_limit_mb=4096", "-max_len=8192"], one_input)
    atheris.Fuzz()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--seconds", type=int, default=10, help="time per target")
    parser.add_argument("--seed", type=int, default=0,
                        help="libFuzzer's seed: the same seed tries the same inputs first (CI uses 1); 0 picks one")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="parsers fuzzed at once (default: "
                        "one a core)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        fuzz_one(args.one, Path(args.folder), args.seconds, args.seed)
        return 0
    sys.path.insert(0, str(ROOT))
    from fuzz.targets import TARGETS  # noqa: E402 - after the path is set

    names = args.targets or sorted(TARGETS)
    failed, total = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        template.mkdir()
        _prepare_in_subprocess(template)

        def fuzz(name: str) -> subprocess.CompletedProcess:
            folder = Path(scratch) / name
            shutil.copytree(template, folder)
            return subprocess.run([sys.executable, __file__, "--one", name, "--folder", str(folder),
                                   "--seconds", str(args.seconds), "--seed", str(args.seed)], capture_output=True,
                                  text=True, check=False, cwd=folder)

        # One parser a core at a time: each runs in its own process for its own seconds, so running them side
        # by side gives each the same time and inputs as one after another, in a fraction of the wall time.
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            runs = dict(zip(names, pool.map(fuzz, names), strict=True))
        for name, run in runs.items():
            folder = Path(scratch) / name
            executed = re.search(r"stat::number_of_executed_units: (\d+)", run.stderr)
            tried = int(executed.group(1)) if executed else 0
            total += tried
            print(f"{name}: {tried:,} inputs in {args.seconds} s, {'ok' if run.returncode == 0 else 'CRASH'}")
            if run.returncode != 0:
                failed.append(name)
                print(run.stderr[-4000:], file=sys.stderr)
                for crash in folder.glob("crash-*"):
                    kept = ROOT / "var" / "fuzz" / f"{name}-{crash.name}"
                    kept.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(crash, kept)
                    print(f"  the input is kept in {kept}", file=sys.stderr)
    print(f"{total:,} inputs tried over {len(names)} parsers; {len(failed)} crashed" +
          (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


def _prepare_in_subprocess(template: Path) -> None:
    """Migrate the template database in a child process (Django is set up once per process)."""
    subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                    f"from fuzz.run import prepare_template; from pathlib import Path; "
                    f"prepare_template(Path({str(template)!r}))"], check=True, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
