"""``vrp restore FOLDER``: check a backup completely, then replace this platform's data with it."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from core.backup import restore
from core.management.cli import PlatformCommand


class Command(PlatformCommand):
    help = "Restore a backup made by `vrp backup` (refused, with the reasons, if it is corrupted or mismatched)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is replaced")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.core.management.base import CommandError

        if not options["yes"]:
            raise CommandError("restoring replaces every record and file; run again with --yes to go ahead")
        manifest = restore(Path(options["folder"]))
        self.stdout.write(f"Restored the backup of {manifest['created_at']} ({len(manifest['files'])} files).")
