"""``vrp similar_groups FILE --source TEXT``: load published most-similar groups (``area_code,
similar_area_code[, rank]``) for the success measures' comparison areas."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from partners.services.similar import load_groups


class Command(PlatformCommand):
    help = "Load published most-similar groups (CSV: area_code, similar_area_code, rank) for comparison areas."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", required=True, help="who published the groups, e.g. 'CIPFA nearest "
                                                            "neighbours 2024'")

    def handle(self, *args: Any, **options: Any) -> None:
        pairs = load_groups(options["path"], options["source"])
        self.stdout.write(f"{pairs} most-similar pairs held for the areas in {options['path']}")
