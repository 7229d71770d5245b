"""``vrp events import FILE [--format eventbrite|csv] [--session REF] [--checked-in-only]`` and
``vrp events remove-personal-data [--today YYYY-MM-DD]`` (daily, from cron)."""

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from core.management.cli import PlatformCommand
from engagement.models import Session
from engagement.services.feedback import import_feedback
from engagement.services.imports import FORMATS, import_attendance
from engagement.services.retention import remove_expired_personal_data


class Command(PlatformCommand):
    help = "Import training and event attendance, or remove attendees' names and emails past their retention."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        imported = actions.add_parser("import", help="attendance from Eventbrite's attendee report or a plain CSV")
        imported.add_argument("file")
        imported.add_argument("--format", choices=FORMATS, default="csv", dest="file_format")
        imported.add_argument("--session", help="the session's reference (Eventbrite files without Event ID links)")
        imported.add_argument("--checked-in-only", action="store_true",
                              help="count only tickets Eventbrite shows as checked in")
        feedback = actions.add_parser("import-feedback", help="before-and-after confidence answers (CSV)")
        feedback.add_argument("file")
        retention = actions.add_parser("remove-personal-data",
                                       help="blank names and emails kept past VRP_TRAINING_PERSONAL_DATA_DAYS")
        retention.add_argument("--today", help="the day to count from (default: today), YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "remove-personal-data":
            try:
                today = date.fromisoformat(options["today"]) if options.get("today") else timezone.localdate()
            except ValueError as exc:
                raise CommandError("--today is a date, YYYY-MM-DD") from exc
            removed = remove_expired_personal_data("cli:events", today)
            self.stdout.write(f"Names and emails removed from {removed} attendances; every count is unchanged.")
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if options["action"] == "import-feedback":
            changed = import_feedback("cli:events", path, path.name)
            self.stdout.write(f"{path.name}: {changed} answers added or changed.")
            return
        session = None
        if options.get("session"):
            session = Session.objects.filter(reference=options["session"]).first()
            if session is None:
                raise CommandError(f"no session has the reference {options['session']!r}")
        summary = import_attendance("cli:events", path, path.name, options["file_format"], session=session,
                                    checked_in_only=options["checked_in_only"])
        self.stdout.write(str(summary))
