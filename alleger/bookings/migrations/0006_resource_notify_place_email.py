"""Resources that existed before `notify_email` tell their place's own address, as a new one does by default
(the e-mails carry how to stop them)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_place_email(apps, schema_editor):
    Resource = apps.get_model("bookings", "Resource")
    Place = apps.get_model("places", "Place")
    email = Place.objects.filter(pk=OuterRef("place_id")).values("email")[:1]
    Resource.objects.filter(notify_email="").exclude(place__email="").update(notify_email=Subquery(email))


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0005_resource_notify_email"),
        ("places", "0003_natural_collation"),
    ]

    operations = [migrations.RunPython(copy_place_email, migrations.RunPython.noop)]
