"""``vrp strategy notify-overdue``: email owners of overdue board actions once (run from cron with the incidents'
own ``vrp incidents notify-overdue``)."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from core.management.cli import PlatformCommand
from strategy.services.plan import notify_overdue


class Command(PlatformCommand):
    help = "Strategy tasks: notify-overdue emails the owners of overdue board actions once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["notify-overdue"])

    def handle(self, *args: Any, **options: Any) -> None:
        count = notify_overdue(timezone.now())
        self.stdout.write(f"Notified {count} overdue action{'s' if count != 1 else ''}.")
