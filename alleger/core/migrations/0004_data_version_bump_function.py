"""PostgreSQL: the data version's bump as a function, for a hot statement to call after its own work.

`alleger.core.fragments.BUMP_CALL`: a pledge selects it next to its stored
function's result, so the pledge and the new version are one prepared
statement and one round trip (alleger.core.db). The same upsert as BUMP_SQL.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION core_data_version_bump(p_version bigint) RETURNS void AS $$
BEGIN
    INSERT INTO core_dataversion (id, version) VALUES (1, p_version)
        ON CONFLICT (id) DO UPDATE SET version = excluded.version;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS core_data_version_bump(bigint);")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_data_version")]
    operations = [migrations.RunPython(forwards, backwards)]
