"""A sponsor's pool does not match a gift to one's own project, nor a gift of its own sponsor.

Before, the holder backing her own project, or a member of the organisation that carries it, drew the
pool's match: a sponsor paid the holder for giving herself money. The stored recorder (migration 0006)
now skips the first-euro match when the contributor is the project's holder or a member of its
organisation, or gives in that organisation's name, as `matching.match_contribution` does
(`matching.is_own_project`); and a pool skips a gift given in its sponsor's name or by one of its sponsor's
members (`matching.is_own_sponsor`): a foundation does not double itself. Its text is 0006's with these
edits, each asserted to apply.
"""

from importlib import import_module

from django.db import migrations

_0006 = import_module("alleger.funding.migrations.0006_contribution_organisation")

EDITS = [
    ("    v_done bigint;\nBEGIN\n", "    v_done bigint;\n    v_own boolean;\nBEGIN\n"),
    ("    -- The first first-euro pool that has something to give matches this contribution.\n"
     "    FOREACH v_pool IN ARRAY v_pools LOOP\n",
     "    -- No pool matches a gift to one's own project (matching.is_own_project).\n"
     "    v_own := p_contributor = v_project.holder_id OR (v_project.organisation_id IS NOT NULL AND (\n"
     "        p_organisation = v_project.organisation_id OR EXISTS (\n"
     "            SELECT 1 FROM organisations_membership om\n"
     "             WHERE om.organisation_id = v_project.organisation_id AND om.user_id = p_contributor)));\n"
     "\n"
     "    -- The first first-euro pool that has something to give matches this contribution.\n"
     "    FOREACH v_pool IN ARRAY v_pools LOOP\n"
     "        EXIT WHEN v_own;\n"),
    # Nor does a pool match its own sponsor: a gift in its name or by one of its members.
    ("        CONTINUE WHEN v_pool.trigger <> 'first_euro';\n",
     "        CONTINUE WHEN v_pool.trigger <> 'first_euro';\n"
     "        CONTINUE WHEN p_organisation = v_pool.sponsor_id OR EXISTS (\n"
     "            SELECT 1 FROM organisations_membership om\n"
     "             WHERE om.organisation_id = v_pool.sponsor_id AND om.user_id = p_contributor);\n"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0006._function(_0006.EDITS + EDITS), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(_0006._function(_0006.EDITS), params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0012_contribution_index_diet"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
