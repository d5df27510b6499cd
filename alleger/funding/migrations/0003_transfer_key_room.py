"""Room for idempotency keys built from a client's key (up to 80 characters) plus a prefix.

On SQLite, altering a column rebuilds the table, which drops its triggers:
the append-only trigger of 0002 is created again on the new table.
"""

from django.db import migrations, models

SQLITE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS funding_transfer_no_update BEFORE UPDATE ON funding_transfer
   BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_ledger_append_only")]

    operations = [
        migrations.AlterField(
            model_name="transfer",
            name="idempotency_key",
            field=models.CharField(max_length=200, unique=True),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
