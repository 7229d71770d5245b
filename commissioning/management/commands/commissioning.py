"""``vrp commissioning export-360giving|import-360giving|import``: grants data in and out."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from commissioning.models import Theme
from commissioning.services.projects import import_project_rows, read_project_file
from commissioning.services.threesixty import export_file, import_360giving
from core.management.cli import PlatformCommand


class Command(PlatformCommand):
    help = "Export published projects as 360Giving data, or import 360Giving files and project spreadsheets."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        export = commands.add_parser("export-360giving", help="published projects as 360Giving JSON or XLSX")
        export.add_argument("--format", choices=["json", "xlsx"], default="json")
        export.add_argument("--out", required=True, help="file to write")
        load = commands.add_parser("import-360giving", help="load grants from a 360Giving JSON, XLSX or CSV file")
        load.add_argument("file")
        load.add_argument("--theme", choices=Theme.values,
                          help="theme for grants that carry none (files from other funders never do)")
        spreadsheet = commands.add_parser("import", help="load a project spreadsheet (CSV or XLSX)")
        spreadsheet.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export-360giving":
            out = Path(options["out"])
            if not out.parent.exists():
                raise CommandError(f"the folder {out.parent} does not exist")
            count = export_file(options["format"], out)
            self.stdout.write(f"Wrote {count} grants to {out} (360Giving {options['format'].upper()}).")
        elif action == "import-360giving":
            summary = import_360giving(Path(options["file"]), "cli:commissioning", options.get("theme"))
            self.stdout.write(f"{options['file']}: {summary}.")
        else:
            path = Path(options["file"])
            summary = import_project_rows(read_project_file(path), "cli:commissioning", path.name)
            self.stdout.write(f"{path}: {summary}.")
