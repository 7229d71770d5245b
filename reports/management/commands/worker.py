"""``vrp worker [--once]``: run the report jobs queued from the analysts' page (keep one running beside the
web server; ``make run`` starts one)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reports.services.jobs import work


class Command(BaseCommand):
    help = "Run queued report jobs; a job left running by a stopped worker is queued again and run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="stop when the queue is empty")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at an empty queue")

    def handle(self, *args: Any, **options: Any) -> None:
        ran = work(once=options["once"], poll_seconds=options["poll"])
        self.stdout.write(f"{ran} report jobs run")
