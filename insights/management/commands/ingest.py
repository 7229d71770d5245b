"""``vrp ingest police-uk|police-uk-api|counts|ed|stop-and-search|outcomes|indicator PATH…``: load data.

Event-level files and counts go to the warehouse. Other apps add formats of their own
(``insights.command_extensions``): the partners app its indicators (``indicator``), stop and search and outcomes,
into its own tables.
"""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from core.management.cli import PlatformCommand
from insights import command_extensions
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
        file_readers = []
        for fmt in command_extensions.formats().values():
            sub = sources.add_parser(fmt.name, help=fmt.help)
            if fmt.add_arguments is not None:
                fmt.add_arguments(sub)
            if fmt.reads_files:
                file_readers.append(sub)
        for sub in (police, api, ed, counts, *file_readers):
            sub.add_argument("paths", nargs="+", type=Path)
            sub.add_argument("--accept-partial", action="store_true",
                             help="land the valid rows; write rejected rows to a report file")
            sub.add_argument("--no-progress", action="store_true", help="no progress bar")
            sub.add_argument("--replace-smaller", action="store_true",
                             help="replace a month already held (per force, or ED site) even by a file with more "
                                  "than 1%% fewer rows")

    def handle(self, *args: Any, **options: Any) -> None:
        extra = command_extensions.formats().get(options["source"])
        if extra is not None and not extra.reads_files:
            self.stdout.write(extra.ingest(options).table())
            return
        progress = None if options["no_progress"] else (
            lambda items: tqdm(items, desc="checking files", unit="file", file=sys.stderr))
        common = {"accept_partial": options["accept_partial"], "progress": progress,
                  "replace_smaller": options["replace_smaller"]}
        if options["source"] == "police-uk":
            summary = ingest_police_uk(options["paths"], **common)
        elif options["source"] == "police-uk-api":
            summary = ingest_police_api(options["paths"], force=options["force"], **common)
        elif options["source"] == "counts":
            summary = ingest_counts(options["paths"], force=options["force"], **common)
        elif options["source"] == "ed":
            summary = ingest_ed(options["paths"], **common)
        else:
            summary = extra.ingest(options, **common)
        for line in summary.skipped:
            self.stdout.write(f"skipped {line}")
        for problem in summary.problems[:20]:
            self.stderr.write(f"rejected {problem}")
        if len(summary.problems) > 20:
            self.stderr.write(f"… {len(summary.problems) - 20} more problems in the report")
        self.stdout.write(summary.table())
        if options["source"] in ("police-uk", "police-uk-api", "counts") and summary.batch_id:
            for line in command_extensions.police_counts_landed("cli"):
                self.stdout.write(line)
