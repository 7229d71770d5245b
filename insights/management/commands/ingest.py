"""``vrp ingest police-uk|police-uk-api|counts|ed|stop-and-search|outcomes|indicator PATH…``: load data.

Event-level files and counts go to the warehouse; partners' indicators (``indicator``) to the partners app's
tables.
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from core.management.cli import PlatformCommand
from insights.ingest.counts import ingest_counts
from insights.ingest.ed import ingest_ed
from insights.ingest.police_api import ingest_police_api
from insights.ingest.police_uk import ingest_police_uk


class Command(PlatformCommand):
    help = "Ingest police.uk street-level CSV/zip, police.uk API JSON, or ISTV emergency department CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True)
        police = sources.add_parser("police-uk", help="street-level CSV (plain/gzip), monthly zip, or folders")
        api = sources.add_parser("police-uk-api", help="data.police.uk API JSON (crimes-street), plain or gzip")
        api.add_argument("--force", required=True, help="force slug the records were fetched for, e.g. west-midlands")
        ed = sources.add_parser("ed", help="ISTV emergency department assault attendances (CSV)")
        counts = sources.add_parser("counts", help="police recorded crime counts: LSOA code,Crime type,Month,Count")
        counts.add_argument("--force", required=True, help="force slug the counts are of, e.g. west-midlands")
        stop_search = sources.add_parser("stop-and-search", help="police.uk stop-and-search CSV (by force and month)")
        outcomes = sources.add_parser("outcomes", help="police.uk outcomes CSV (by force and month)")
        indicator = sources.add_parser("indicator", help="OHID Fingertips export or the tidy indicator CSV")
        indicator.add_argument("paths", nargs="+", type=Path)
        indicator.add_argument("--format", choices=["fingertips", "tidy"], default="fingertips")
        indicator.add_argument("--unit", default="", help="the unit of the values, e.g. 'per 100,000'")
        indicator.add_argument("--publisher", default="", help="who publishes the figures")
        indicator.add_argument("--measure", default="", choices=["", "hospital_admissions", "knife_violence",
                                                                  "homicide"],
                               help="the Home Office success measure these indicators give")
        for sub in (police, api, ed, counts, stop_search, outcomes):
            sub.add_argument("paths", nargs="+", type=Path)
            sub.add_argument("--accept-partial", action="store_true",
                             help="land the valid rows; write rejected rows to a report file")
            sub.add_argument("--no-progress", action="store_true", help="no progress bar")
        police.add_argument("--replace-smaller", action="store_true",
                            help="replace a force-month already held even by a file with more than 1%% fewer rows")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["source"] == "indicator":
            from partners.services.indicators import ingest_indicators

            result = ingest_indicators(options["paths"], options["format"], "cli", options["unit"],
                                       options["publisher"], options["measure"])
            self.stdout.write(result.table())
            return
        progress = None if options["no_progress"] else (
            lambda items: tqdm(items, desc="checking files", unit="file", file=sys.stderr))
        common = {"accept_partial": options["accept_partial"], "progress": progress}
        if options["source"] == "police-uk":
            summary = ingest_police_uk(options["paths"], replace_smaller=options["replace_smaller"], **common)
        elif options["source"] == "police-uk-api":
            summary = ingest_police_api(options["paths"], force=options["force"], **common)
        elif options["source"] == "counts":
            summary = ingest_counts(options["paths"], force=options["force"], **common)
        elif options["source"] == "ed":
            summary = ingest_ed(options["paths"], **common)
        else:
            from partners.services.stop_search import ingest_outcomes, ingest_stop_search

            ingest = ingest_stop_search if options["source"] == "stop-and-search" else ingest_outcomes
            summary = ingest(options["paths"], **common)
        for line in summary.skipped:
            self.stdout.write(f"skipped {line}")
        for problem in summary.problems[:20]:
            self.stderr.write(f"rejected {problem}")
        if len(summary.problems) > 20:
            self.stderr.write(f"… {len(summary.problems) - 20} more problems in the report")
        self.stdout.write(summary.table())
        if options["source"] in ("police-uk", "police-uk-api", "counts") and summary.batch_id:
            from partners.services.alerts import check_after_ingest

            new = check_after_ingest("cli")
            if new:
                self.stdout.write(f"{len(new)} new hot spot alerts for partners' areas")
