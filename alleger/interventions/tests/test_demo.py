"""The demo interventions: every status, journals with photos (reloading the demo: core/tests/test_commands.py)."""

import pytest

from alleger.interventions.models import Intervention, JournalPhoto
from alleger.reputation.selectors import reputation_of
from alleger.testing.demo import demo_person

pytestmark = pytest.mark.django_db


def test_the_demo_has_interventions_in_every_status_with_journals(demo, client):
    assert set(Intervention.objects.values_list("status", flat=True)) == {"planned", "ongoing", "done", "abandoned"}
    assert all(i.journal.exists() for i in Intervention.objects.all())
    assert JournalPhoto.objects.exists()
    assert Intervention.objects.filter(asset__isnull=False).exists()
    assert Intervention.objects.filter(asset__isnull=True).exists()
    # Clémence's done intervention earns her points.
    assert reputation_of(demo_person("clemence")).organised_done == 1
    parklet = Intervention.objects.get(title__startswith="Un parklet")
    assert parklet.organisation.slug == "cafe-d-a-cote" and parklet.status == "ongoing"
    assert client.get(parklet.get_absolute_url()).status_code == 200
    assert client.get("/interventions/").status_code == 200
