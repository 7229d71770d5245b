"""``vrp incidents notify-overdue``: email owners of overdue actions (run from cron, e.g. every 15 minutes)."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from core.management.cli import PlatformCommand
from incidents.services.response import notify_overdue


class Command(PlatformCommand):
    help = "Incident response tasks: notify-overdue emails the owners of overdue actions once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["notify-overdue"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = notify_overdue(timezone.now())
        self.stdout.write(f"Notified {count} overdue action{'s' if count != 1 else ''}.")
