"""``vrp fetch police-uk --force SLUG --from YYYY-MM --to YYYY-MM``: download from data.police.uk and ingest."""

from typing import Any

from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from insights import command_extensions
from insights.ingest.fetch import fetch_police_uk


class Command(PlatformCommand):
    help = "Download police.uk street-level months for one force (needs internet) and ingest them."

    def add_arguments(self, parser: CommandParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True)
        police = sources.add_parser("police-uk", help="the monthly archive from data.police.uk")
        police.add_argument("--force", required=True, help="force slug, e.g. west-midlands")
        police.add_argument("--from", dest="month_from", required=True)
        police.add_argument("--to", dest="month_to", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        summary = fetch_police_uk(options["force"], options["month_from"], options["month_to"])
        self.stdout.write(summary.table())
        if summary.batch_id:
            for line in command_extensions.police_counts_landed("cli"):
                self.stdout.write(line)
