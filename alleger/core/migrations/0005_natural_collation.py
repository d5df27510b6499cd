"""PostgreSQL: the collation names are sorted with (alleger.core.collation.NATURAL). SQLite registers its
own on each connection."""

from django.db import migrations


def create_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE COLLATION IF NOT EXISTS alleger_natural (provider = icu, locale = 'und-u-kn-true')")


def drop_collation(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP COLLATION IF EXISTS alleger_natural")


class Migration(migrations.Migration):
    dependencies = [("core", "0004_data_version_bump_function")]

    operations = [migrations.RunPython(create_collation, drop_collation)]
