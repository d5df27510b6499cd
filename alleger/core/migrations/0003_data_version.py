from django.db import migrations, models


def create_the_row(apps, schema_editor):
    # Shared fragments are cached only while this row exists (alleger.core.fragments).
    apps.get_model("core", "DataVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_unaccent"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [models.CheckConstraint(condition=models.Q(("id", 1)), name="data_version_single_row")],
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
    ]
