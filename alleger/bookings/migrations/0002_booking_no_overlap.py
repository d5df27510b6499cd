"""PostgreSQL: no two active bookings of a capacity-1 resource overlap (their buffer included).

A GiST exclusion constraint on (resource, tstzrange(start, blocked_end)), for the rows that are
`exclusive` (copied from the resource: a conditional constraint cannot read another table) and
hold a place (held, confirmed, checked in). btree_gist gives GiST the equality on resource_id.
SQLite has no exclusion constraint: there the service's check under BEGIN IMMEDIATE is the rule.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    resource_id WITH =,
    tstzrange("start", blocked_end, '[)') WITH &&
) WHERE (exclusive AND status IN ('held', 'confirmed', 'checked_in'));
"""

DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
