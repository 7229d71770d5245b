"""The full-text index: SQLite FTS5 (porter stemming) or a PostgreSQL tsvector table with a GIN index."""

from django.db import migrations


def create_index(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("CREATE VIRTUAL TABLE evidence_search USING fts5(title, summary, findings, body, "
                              "tokenize='porter unicode61')")
    elif vendor == "postgresql":
        # No foreign key: Django's flush (TRUNCATE) does not know this table; orphans are purged after a flush
        # or migrate (evidence.apps) and never returned (search keeps ids of existing items only).
        schema_editor.execute("CREATE TABLE evidence_search (item_id bigint PRIMARY KEY, document tsvector NOT NULL)")
        schema_editor.execute("CREATE INDEX evidence_search_document ON evidence_search USING GIN (document)")


def drop_index(apps, schema_editor) -> None:
    schema_editor.execute("DROP TABLE IF EXISTS evidence_search")


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
