"""``vrp places schools FILE [--accept-partial]``, ``vrp places postcodes FILE``, ``vrp places openreferral FILE``."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from places.services.directory import import_oruk_file
from places.services.postcodes import load_postcodes
from places.services.schools import import_schools


class Command(PlatformCommand):
    help = "Load schools (GIAS), postcode centroids, or an Open Referral UK feed of services."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        schools = actions.add_parser("schools", help="GIAS establishments, raw edubasealldata or the cleaned form")
        schools.add_argument("file")
        schools.add_argument("--accept-partial", action="store_true", help="land good rows, list the bad")
        postcodes = actions.add_parser("postcodes", help="postcode,latitude,longitude CSV (e.g. wm_postcodes)")
        postcodes.add_argument("file")
        feed = actions.add_parser("openreferral", help="an Open Referral UK /services JSON response or list")
        feed.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["action"] == "schools":
            result = import_schools(path, "cli:places", options["accept_partial"])
            self.stdout.write(f"{path.name}: {result}.")
            for problem in result.rejected[:50]:
                self.stderr.write(f"rejected: {problem}")
        elif options["action"] == "postcodes":
            self.stdout.write(f"{path.name}: {load_postcodes(path)} postcodes loaded.")
        else:
            result = import_oruk_file(path, "cli:places")
            self.stdout.write(f"{path.name}: {result['created']} services created, {result['updated']} updated.")
