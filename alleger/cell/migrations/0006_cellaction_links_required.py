"""A tag names its challenge, an invitation its workshop: the database says so (0005 moved the old rows)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cell", "0005_cellaction_links_from_notes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='cellaction',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'tag'), _negated=True), ('challenge__isnull', False), _connector='OR'), name='cellaction_tag_has_challenge'),
        ),
        migrations.AddConstraint(
            model_name='cellaction',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'invite'), _negated=True), ('workshop__isnull', False), _connector='OR'), name='cellaction_invite_has_workshop'),
        ),
    ]
