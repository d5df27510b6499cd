"""The demo interventions: every status, journals with photos, idempotent."""

import io

import pytest
from django.core.management import call_command

from alleger.interventions.models import Intervention, JournalEntry, JournalPhoto, Participation

pytestmark = pytest.mark.django_db


def _counts():
    return (Intervention.objects.count(), Participation.objects.count(), JournalEntry.objects.count(),
            JournalPhoto.objects.count())


def test_the_demo_has_interventions_in_every_status_with_journals(client):
    call_command("demo_data", "--quiet", stdout=io.StringIO())
    assert set(Intervention.objects.values_list("status", flat=True)) == {"planned", "ongoing", "done", "abandoned"}
    assert all(i.journal.exists() for i in Intervention.objects.all())
    assert JournalPhoto.objects.exists()
    assert Intervention.objects.filter(asset__isnull=False).exists()
    assert Intervention.objects.filter(asset__isnull=True).exists()
    # Clémence's done intervention earns her points.
    from alleger.accounts.models import User
    from alleger.reputation.selectors import reputation_of

    assert reputation_of(User.objects.get(email="clemence@alleger.localhost")).organised_done == 1
    parklet = Intervention.objects.get(title__startswith="Un parklet")
    assert parklet.organisation.slug == "cafe-d-a-cote" and parklet.status == "ongoing"
    assert client.get(parklet.get_absolute_url()).status_code == 200
    assert client.get("/interventions/").status_code == 200

    before = _counts()
    call_command("demo_data", "--quiet", stdout=io.StringIO())
    assert _counts() == before
