from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EvidenceConfig(AppConfig):
    name = "evidence"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(purge_orphans, sender=self)
        # What evidence adds to the platform's shared pages and backups (core never imports evidence).
        from core import api_registry, backup

        api_registry.register_paths("evidence.views.OPENAPI_PATHS")
        backup.register_part(backup.BackupPart("evidence", after_restore=reindex))


def reindex() -> None:
    """After a restore: the search index is rebuilt from the restored items (and its cache forgotten)."""
    from evidence.models import EvidenceItem
    from evidence.services.search import index_item, reset_cache

    for item in EvidenceItem.objects.prefetch_related("attachments"):
        index_item(item)
    reset_cache()


def purge_orphans(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    """Drop index rows whose item is gone: a flush empties the items table but not the search table."""
    from django.db import connections

    connection = connections[using]
    column = "item_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        if "evidence_search" in connection.introspection.table_names(cursor):
            cursor.execute(f"DELETE FROM evidence_search WHERE {column} NOT IN "  # noqa: S608 - fixed names
                           "(SELECT id FROM evidence_evidenceitem)")
