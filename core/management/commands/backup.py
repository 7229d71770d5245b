"""``vrp backup --out DIR``: the database and data files, with a checksum manifest (see core.backup)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.backup import backup
from core.management.cli import PlatformCommand


class Command(PlatformCommand):
    help = "Write a backup folder: database.json, the warehouse and uploaded files, manifest.json with checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="folder to write the backup folder into")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.is_dir():
            raise CommandError(f"{out} is not a folder")
        self.stdout.write(f"Backup written to {backup(out)}")
