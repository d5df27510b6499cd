"""Places' writes: proposal, review, the managers' edits, each change recorded field by field."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.places import services
from alleger.places.models import Moderation, Place, PlaceChange, Service
from alleger.testing.places_factories import PlaceFactory, france_services

pytestmark = pytest.mark.django_db


def propose(user, territory, **extra):
    fields = {"name": "Laverie solidaire", "place_type": "conciergerie", "profiles": ["mediation"],
              "address": "7 rue de la République", "lat": 45.436, "lon": 4.372, **extra}
    return services.place_propose(user=user, territory=territory, **fields)


def test_a_resident_proposes_a_place_that_waits_for_review(resident, territory, neighbourhood):
    place = propose(resident, territory, service={"name": "Laverie", "kind": "other",
                                                  "opening_hours": "Mo-Sa 08:00-20:00"})
    assert (place.moderation, place.proposed_by, place.neighbourhood) == (Moderation.PROPOSED, resident, neighbourhood)
    assert place.services.get().opening_hours == "Mo-Sa 08:00-20:00"
    change = place.changes.get()
    assert change.source == PlaceChange.Source.PROPOSAL and change.actor == resident
    assert change.fields["name"] == [None, "Laverie solidaire"]
    assert change.fields["profiles"] == [None, ["mediation"]]
    assert AuditEvent.objects.filter(action="place.propose", target_id=str(place.pk)).exists()


@pytest.mark.parametrize(("extra", "code"), [
    ({"profiles": []}, "profile_required"),
    ({"lat": 48.85, "lon": 2.35}, "outside_territory"),
])
def test_a_proposal_without_profile_or_outside_the_territory_is_refused(resident, territory, extra, code):
    with pytest.raises(Refused) as refused:
        propose(resident, territory, **extra)
    assert refused.value.code == code
    assert not Place.objects.exists()


def test_a_proposal_with_unreadable_hours_is_refused_and_writes_nothing(resident, territory):
    with pytest.raises(ValidationError) as refused:
        propose(resident, territory, service={"name": "Laverie", "kind": "other", "opening_hours": "lundi 9h-12h"})
    message = str(refused.value.message_dict["opening_hours"])
    assert "Horaires illisibles" in message and "parse" not in message  # not the library's English words
    assert not Place.objects.exists() and not Service.objects.exists() and not PlaceChange.objects.exists()


def test_a_moderator_publishes_and_the_proposer_is_told(resident, territory, moderator,
                                                        django_capture_on_commit_callbacks):
    place = propose(resident, territory)
    with django_capture_on_commit_callbacks(execute=True):
        services.place_review(place=place, moderator=moderator, decision="publish")
    place.refresh_from_db()
    assert place.moderation == Moderation.PUBLISHED
    review = place.changes.get(source=PlaceChange.Source.REVIEW)
    assert review.fields["moderation"] == ["proposed", "published"] and review.actor == moderator
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [resident.email]
    assert "publiée" in mail.outbox[0].subject


def test_a_refusal_needs_a_reason_that_the_proposer_reads(resident, territory, moderator,
                                                          django_capture_on_commit_callbacks):
    place = propose(resident, territory)
    with pytest.raises(Refused) as refused:
        services.place_review(place=place, moderator=moderator, decision="refuse", message="  ")
    assert refused.value.code == "message_required"
    with django_capture_on_commit_callbacks(execute=True):
        services.place_review(place=place, moderator=moderator, decision="refuse", message="Déjà sur la carte.")
    place.refresh_from_db()
    assert place.moderation == Moderation.REFUSED
    assert "Déjà sur la carte." in mail.outbox[0].body
    with pytest.raises(Refused) as again:
        services.place_review(place=place, moderator=moderator, decision="publish")
    assert again.value.code == "not_proposed"


def test_nobody_reviews_their_own_proposal(territory, moderator):
    place = propose(moderator, territory)
    with pytest.raises(Refused) as refused:
        services.place_review(place=place, moderator=moderator, decision="publish")
    assert (refused.value.code, refused.value.status) == ("conflict_of_interest", 403)


def test_a_manager_edit_is_recorded_field_by_field(territory, organisation, org_member):
    place = PlaceFactory(territory=territory, operator=organisation, summary="Avant")
    services.place_update(place=place, actor=org_member, summary="Après", wheelchair="yes",
                          profiles=["mediation", "work"], name=place.name)
    change = place.changes.get()
    assert change.source == PlaceChange.Source.EDIT and change.actor == org_member
    assert change.fields == {"summary": ["Avant", "Après"], "wheelchair": ["unknown", "yes"],
                             "profiles": [["mediation"], ["mediation", "work"]]}
    services.place_update(place=place, actor=org_member, summary="Après")  # nothing changed, nothing recorded
    assert place.changes.count() == 1


def test_services_are_added_changed_and_removed_with_their_history(territory, org_member):
    place = PlaceFactory(territory=territory)
    service = services.service_add(place=place, actor=org_member, name="Permanence CAF", kind="family_benefits",
                                   opening_hours="Th 14:00-17:00")
    services.service_update(service=service, actor=org_member, opening_hours="Th 14:00-17:30")
    pk = service.pk
    services.service_remove(service=service, actor=org_member)
    assert not place.services.exists()
    added, changed, removed = place.changes.order_by("pk")
    assert added.fields[f"service:{pk}:opening_hours"] == [None, "Th 14:00-17:00"]
    assert changed.fields == {f"service:{pk}:opening_hours": ["Th 14:00-17:00", "Th 14:00-17:30"]}
    assert removed.fields[f"service:{pk}:name"] == ["Permanence CAF", None]


@pytest.mark.parametrize(("language", "words"), [("fr", "Horaires illisibles"), ("en", "Unreadable opening hours")])
def test_unreadable_hours_are_refused_with_a_message_and_nothing_changes(territory, org_member, language, words):
    place = france_services(territory)
    caf = place.services.get(name="Permanence CAF")
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.service_update(service=caf, actor=org_member, opening_hours="jeudi 14h-17h")
    assert words in " ".join(refused.value.message_dict["opening_hours"])
    caf.refresh_from_db()
    assert caf.opening_hours == "Th 14:00-17:00"
    assert not PlaceChange.objects.exists()
    with pytest.raises(ValidationError):
        services.service_add(place=place, actor=org_member, name="X", kind="other", opening_hours="Mo-Fr 25:00-26:00")
    assert place.services.count() == 3


def test_links_are_added_and_removed(territory, org_member):
    place = PlaceFactory(territory=territory)
    link = services.link_add(place=place, actor=org_member, label="Agenda", url="https://example.org/agenda")
    services.link_remove(link=link, actor=org_member)
    assert not place.links.exists() and place.changes.count() == 2


def test_a_photo_is_re_encoded_and_needs_a_description(territory, org_member):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    place = PlaceFactory(territory=territory)
    upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    with pytest.raises(Refused):
        services.photo_add(place=place, user=org_member, image=upload, alt=" ")
    upload.seek(0)
    photo = services.photo_add(place=place, user=org_member, image=upload, alt="La façade")
    assert photo.image.name.startswith("places/") and photo.alt == "La façade"
