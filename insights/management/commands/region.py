"""``vrp region setup --pfa CODE [--data DIR]`` (or ``--lad CODE… --name NAME``) and ``vrp region show``."""

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from core.management.cli import PlatformCommand


class Command(PlatformCommand):
    help = ("Set up the region (its files found in --data by their contents, or downloaded from their publishers, "
            "imported clipped to the region and its neighbours), or show the region and the months loaded.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        setup = actions.add_parser("setup", help="find or download the region's files, import them, set the region")
        which = setup.add_mutually_exclusive_group(required=True)
        which.add_argument("--pfa", help="police force area code (E23…), e.g. E23000017 for Warwickshire")
        which.add_argument("--lad", nargs="+", help="local authority codes (E06/E07/E08/E09/W06…)")
        setup.add_argument("--name", help="the region's name (default: the police force area's)")
        setup.add_argument("--data", type=Path, help="folder to search (recursively); without it, files are "
                                                     "downloaded from the addresses in VRP_REGION_SOURCES")
        actions.add_parser("show", help="the region, and per source the months loaded (incomplete ones flagged)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            from insights.query.completeness import region_summary

            self.stdout.write(region_summary())
            return
        from geography.services.region_setup import download_files, setup_region

        if options["lad"] and not options["name"]:
            raise CommandError("--lad needs --name (the region's name)")
        folder = options["data"]
        if folder is not None:
            if not folder.is_dir():
                raise CommandError(f"{folder}: not a folder")
            report = setup_region(folder, options["pfa"], options["lad"], options["name"])
        else:
            if not settings.VRP_REGION_SOURCES:
                raise CommandError("without --data, VRP_REGION_SOURCES must list the files to download (see the "
                                   "README, 'Your own region'); or give --data FOLDER")
            scratch = Path(settings.VRP_DATA_DIR) / "tmp"
            scratch.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=scratch) as downloads:
                for path in download_files(Path(downloads), settings.VRP_REGION_SOURCES):
                    self.stderr.write(f"downloaded {path.name}")
                report = setup_region(Path(downloads), options["pfa"], options["lad"], options["name"])
        self.stdout.write(report.checklist())
