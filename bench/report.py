"""SNA benchmark: build and write the Strategic Needs Assessment (HTML and PDF) for a West Midlands-sized
synthetic region: 1,680 LSOAs in 5 local authorities, three years of police data (~1 M rows) and ED data.

Prints the time to build the report's figures, to write the HTML and CSVs, and to render the PDF; the
target is 30 s for HTML + PDF together. Baseline in the same run: the same figures' queries alone
(each registered overview figure, as the public see it), i.e. what the report adds on top of the dashboard's queries.

Run by hand: `.venv/bin/python bench/report.py`.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["VRP_DATA_DIR"] = folder
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from demo.region import build_demo_region

        start = time.perf_counter()
        loaded = build_demo_region(Path(folder) / "demo", "2022-01", 36, police_per_month=28_000, ed_per_month=1_200,
                                   grid=(42, 40))
        print(f"region: {loaded['lsoas']} LSOAs, {loaded['police_rows']:,} police rows, {loaded['ed_rows']:,} ED rows "
              f"(generated and ingested in {time.perf_counter() - start:.0f} s)")
        from insights.figures import OVERVIEW
        from insights.query.access import PUBLIC
        from insights.query.catalogue import default_query
        from reports.services.sna import ReportPeriod, build_sna, write_report

        query = default_query()
        start = time.perf_counter()
        for figure in OVERVIEW:
            if figure.name != "comparison":
                figure.table(query, PUBLIC)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        report = build_sna(ReportPeriod(2024), edition="public")
        built = time.perf_counter() - start
        report["stem"] = "sna"
        start = time.perf_counter()
        write_report(report, Path(folder) / "out", pdf=False)
        html = time.perf_counter() - start
        start = time.perf_counter()
        write_report(report, Path(folder) / "out-pdf", pdf=True)
        with_pdf = time.perf_counter() - start
        total = built + with_pdf
        print(f"dashboard figures alone (baseline): {baseline:.1f} s")
        print(f"SNA figures built: {built:.1f} s ({built / baseline:.1f}× the dashboard figures)")
        print(f"HTML and CSVs written: {html:.1f} s; HTML, CSVs and PDF written: {with_pdf:.1f} s")
        print(f"SNA end to end, HTML + PDF: {total:.1f} s (target 30 s)")


if __name__ == "__main__":
    main()
