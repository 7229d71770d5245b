"""Shared behaviour of the platform's management commands: clear errors instead of tracebacks."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.problems import InputRejected


class PlatformCommand(BaseCommand):
    """A command whose input problems end as a CommandError listing file, line and column."""

    #: What a refusal means for this command: an import landed nothing; a query (``stats``, ``hotspots``) was
    #: refused — nothing was being imported.
    refusal = "nothing was imported; fix these problems and run again"

    def execute(self, *args: Any, **options: Any) -> Any:
        from core.public_cache import bump_data_version

        try:
            return super().execute(*args, **options)
        except InputRejected as exc:
            raise CommandError(f"{self.refusal}:\n{exc}") from exc
        finally:
            # A command may have changed the data (most do): cached public pages are retired. A failed
            # command changed nothing, but counting it costs only a retired cache.
            bump_data_version()
