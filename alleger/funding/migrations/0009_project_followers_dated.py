"""Project.followers gets a through model, ProjectFollower, with the date of each follow.

The table `funding_project_followers` and its rows are kept as they are (SeparateDatabaseAndState: the state learns the
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
        ("funding", "0008_merge_0007_offer_resource_0007_project_place"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProjectFollower",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="funding.project")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                   to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "abonné au projet",
                        "verbose_name_plural": "abonnés au projet",
                        "db_table": "funding_project_followers",
                        "unique_together": {("project", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="project",
                    name="followers",
                    field=models.ManyToManyField(blank=True, related_name="followed_projects",
                                                 through="funding.ProjectFollower", to=settings.AUTH_USER_MODEL),
                ),
            ],
            database_operations=[],
        ),
        # A real column: existing rows get null (unknown), the default applies to new rows only.
        migrations.AddField(
            model_name="projectfollower",
            name="created_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="depuis le"),
        ),
        migrations.AlterField(
            model_name="projectfollower",
            name="created_at",
            field=models.DateTimeField(blank=True, default=django.utils.timezone.now, null=True,
                                       verbose_name="depuis le"),
        ),
    ]
