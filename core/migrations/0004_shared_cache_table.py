"""The database table behind the "shared" cache (sign-in and submission counters shared by every worker).

Made whatever VRP_SHARED_CACHE_URL says, so switching from Redis back to the database needs no other step.
"""

from django.core.management import call_command
from django.db import migrations

TABLE = "vrp_shared_cache"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_data_version"),
    ]

    operations = [
        migrations.RunPython(create_table, drop_table),
    ]
