"""A contribution may be given as an organisation: the backer shown.

The person who pays stays `contributor_id`; `organisation_id` names the
organisation they gave for. The stored recorder (migration 0004) takes it as
a thirteenth argument and writes it, as `_record_orm` does: the old
twelve-argument function is dropped and the new one created from 0004's text
with only these edits (each asserted to apply).
"""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

_0004 = import_module("alleger.funding.migrations.0004_contribution_record_function")

OLD_SIGNATURE = "bigint, bigint, text, bigint, bigint, boolean, text, text, text, text, text, timestamptz"
EDITS = [
    ("    p_status text, p_now timestamptz,\n", "    p_status text, p_now timestamptz, p_organisation bigint,\n"),
    ("        provider, provider_reference, status, matched_cents, capture_attempts, last_error, reward_fulfilled,\n"
     "        created_at)\n",
     "        provider, provider_reference, status, matched_cents, capture_attempts, last_error, reward_fulfilled,\n"
     "        created_at, organisation_id)\n"),
    ("            p_provider, p_reference, p_status, r_matched, 0, '', false, p_now)\n",
     "            p_provider, p_reference, p_status, r_matched, 0, '', false, p_now, p_organisation)\n"),
]


def _function(edits) -> str:
    text = _0004.FUNCTION
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS funding_contribution_record({OLD_SIGNATURE});")
        schema_editor.execute(_function(EDITS), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS funding_contribution_record({OLD_SIGNATURE}, bigint);")
        schema_editor.execute(_0004.FUNCTION, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("funding", "0005_contribution_receipt_confirmed_by"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="organisation",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="contributions", to="organisations.organisation"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
