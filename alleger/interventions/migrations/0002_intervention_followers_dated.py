"""Intervention.followers gets a through model, InterventionFollower, with the date of each follow.

The table `interventions_intervention_followers` and its rows are kept as they are (SeparateDatabaseAndState: the state learns the
through model over the existing table, the database is not touched), then one column is added:
`created_at`, null for every existing row. Null means « date unknown »: giving them this migration's time
would invent a burst of followers on the day of the deploy, which the followers signal
(alleger.cell.traction) would read as a rise. New follows get their time (default timezone.now).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("interventions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InterventionFollower",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("intervention", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="interventions.intervention")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "abonné à l'intervention",
                        "verbose_name_plural": "abonnés à l'intervention",
                        "db_table": "interventions_intervention_followers",
                        "unique_together": {("intervention", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="intervention",
                    name="followers",
                    field=models.ManyToManyField(blank=True, related_name="followed_interventions",
                                                 through="interventions.InterventionFollower", to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[],
        ),
        # A real column: existing rows get null (unknown), the default applies to new rows only.
        migrations.AddField(
            model_name="interventionfollower",
            name="created_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="depuis le"),
        ),
        migrations.AlterField(
            model_name="interventionfollower",
            name="created_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True,
                                       verbose_name="depuis le"),
        ),
    ]
