"""``vrp ingest police-uk|police-uk-api|ed PATH…``: load event-level data into the warehouse."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from core.management.cli import PlatformCommand
from insights.services.ed import ingest_ed
from insights.services.police_api import ingest_police_api
from insights.services.police_uk import ingest_police_uk


class Command(PlatformCommand):
    help = "Ingest police.uk street-level CSV/zip, police.uk API JSON, or ISTV emergency department CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True)
        police = sources.add_parser("police-uk", help="street-level CSV (plain/gzip), monthly zip, or folders")
        api = sources.add_parser("police-uk-api", help="data.police.uk API JSON (crimes-street), plain or gzip")
        api.add_argument("--force", required=True, help="force slug the records were fetched for, e.g. west-midlands")
        ed = sources.add_parser("ed", help="ISTV emergency department assault attendances (CSV)")
        for sub in (police, api, ed):
            sub.add_argument("paths", nargs="+", type=Path)
            sub.add_argument("--accept-partial", action="store_true",
                             help="land the valid rows; write rejected rows to a report file")
            sub.add_argument("--no-progress", action="store_true", help="no progress bar")
        police.add_argument("--replace-smaller", action="store_true",
                            help="replace a force-month already held even by a file with more than 1%% fewer rows")

    def handle(self, *args: Any, **options: Any) -> None:
        progress = None if options["no_progress"] else (
            lambda items: tqdm(items, desc="checking files", unit="file", file=sys.stderr))
        common = {"accept_partial": options["accept_partial"], "progress": progress}
        if options["source"] == "police-uk":
            summary = ingest_police_uk(options["paths"], replace_smaller=options["replace_smaller"], **common)
        elif options["source"] == "police-uk-api":
            summary = ingest_police_api(options["paths"], force=options["force"], **common)
        else:
            summary = ingest_ed(options["paths"], **common)
        for line in summary.skipped:
            self.stdout.write(f"skipped {line}")
        for problem in summary.problems[:20]:
            self.stderr.write(f"rejected {problem}")
        if len(summary.problems) > 20:
            self.stderr.write(f"… {len(summary.problems) - 20} more problems in the report")
        self.stdout.write(summary.table())
