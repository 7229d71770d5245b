"""The default response protocol, from the reference partnership's practice (editable in the admin)."""

from django.db import migrations

from incidents.migrations._protocol import create


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
