"""Shared behaviour of the platform's management commands: clear errors instead of tracebacks."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.problems import InputRejected


class PlatformCommand(BaseCommand):
    """A command whose input problems end as a CommandError listing file, line and column."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except InputRejected as exc:
            raise CommandError(f"nothing was imported; fix these problems and run again:\n{exc}") from exc
