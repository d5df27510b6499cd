"""The ledger is append-only: the database refuses to change or delete a transfer.

On SQLite only UPDATE is refused, because Django's test flush empties tables
with DELETE; on PostgreSQL flush uses TRUNCATE, so DELETE is refused too.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER funding_transfer_no_update BEFORE UPDATE ON funding_transfer
       BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS funding_transfer_no_update;"]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION funding_transfer_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the ledger is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER funding_transfer_append_only BEFORE UPDATE OR DELETE ON funding_transfer
       FOR EACH ROW EXECUTE FUNCTION funding_transfer_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS funding_transfer_append_only ON funding_transfer;",
    "DROP FUNCTION IF EXISTS funding_transfer_append_only();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
