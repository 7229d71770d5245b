from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest


class InsightsConfig(AppConfig):
    name = "insights"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What insights adds to the platform's shared pages and backups (core never imports insights).
        from core import api_registry, backup

        api_registry.register_paths("insights.views.OPENAPI_PATHS")
        api_registry.register_home_part(warehouse_part)
        backup.register_part(backup.BackupPart("warehouse", after_restore=forget_figures))


def warehouse_part(request: HttpRequest) -> dict[str, Any]:
    """The front page's list of what the warehouse holds. How many records a controlled source holds is itself
    controlled: staff see it."""
    from core import sources
    from core.access import role_of
    from core.roles import STAFF
    from insights.ingest.manifest import warehouse_summary

    full = role_of(request.user) in STAFF
    return {"warehouse": [{**row, "disclosure": sources.disclosure_class(row["source"]),
                           "rows": row["rows"] if full or sources.is_open(row["source"]) else None}
                          for row in warehouse_summary()]}


def forget_figures() -> None:
    """After a restore: the figures computed from the old warehouse are forgotten."""
    from insights.query.figures import SHARED

    SHARED.reset()
