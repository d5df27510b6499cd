"""Intervention services: every rule and every refusal."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.interventions import services
from alleger.interventions.models import Intervention, JournalEntry, Participation
from alleger.kits.models import Kit
from alleger.organisations.models import Organisation
from alleger.reputation.services import level_grant
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from alleger.testing.interventions_factories import make_intervention, published_kit
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 5, 2)


def declare(**overrides):
    data = {"title": "Fleurir", "description": "Des capucines.", "starts_on": START, "charter_accepted": True}
    data.update(overrides)
    return services.intervention_declare(**data)


def refusal(fn, **kwargs) -> str:
    with pytest.raises(Refused) as caught:
        fn(**kwargs)
    return caught.value.code


def png(name="photo.png"):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def kit(territory):
    return published_kit(territory)


@pytest.fixture
def asset(territory):
    return AssetFactory(territory=territory, max_participants=3)


# --- declaring ------------------------------------------------------------------


def test_declaring_on_an_asset_records_the_organiser_and_the_charter(resident, kit, asset):
    intervention = declare(organiser=resident, kit=kit, asset=asset)
    assert (intervention.status, intervention.territory, intervention.lat, intervention.lon) == (
        "planned", asset.territory, asset.lat, asset.lon)
    organiser = intervention.participations.get()
    assert organiser.user == resident and organiser.role == "organiser"
    assert organiser.charter_accepted_at is not None and organiser.charter_version == kit.versions.count()
    assert organiser.seat == 1 and organiser.asset == asset
    assert intervention.followers.filter(pk=resident.pk).exists()
    assert AuditEvent.objects.filter(action="intervention.declare", target_id=str(intervention.pk)).exists()


def test_declaring_at_a_free_location_inside_the_territory(resident, kit, territory, neighbourhood):
    intervention = declare(organiser=resident, kit=kit, territory=territory, lat=45.43, lon=4.37)
    assert intervention.asset is None and intervention.neighbourhood == neighbourhood
    assert intervention.participations.get().seat is None


@pytest.mark.parametrize(("overrides", "code"), [
    ({"charter_accepted": False}, "charter_not_accepted"),
    ({"lat": 48.85, "lon": 2.35}, "out_of_territory"),
    ({"lat": None}, "location_required"),
    ({"ends_on": START - datetime.timedelta(days=1)}, "dates_invalid"),
    ({"title": "  "}, "invalid"),
])
def test_declaring_refusals_at_a_free_location(resident, kit, territory, overrides, code):
    data = {"organiser": resident, "kit": kit, "territory": territory, "lat": 45.43, "lon": 4.37, **overrides}
    assert refusal(declare, **data) == code
    assert not Intervention.objects.exists() and not Participation.objects.exists()


def test_only_a_published_kit_valid_here(resident, territory, other_territory, asset):
    draft = make_kit(territory=territory)
    assert refusal(declare, organiser=resident, kit=draft, asset=asset) == "kit_not_published"
    elsewhere = published_kit(other_territory)
    assert refusal(declare, organiser=resident, kit=elsewhere, asset=asset) == "kit_not_here"
    assert declare(organiser=resident, kit=published_kit(None), asset=asset).kit.territory is None


def test_a_kit_must_apply_to_the_asset_when_the_asset_lists_kits(resident, kit, asset, territory):
    other = published_kit(territory, title="Repeindre les bancs")
    asset.kits.add(other)
    assert refusal(declare, organiser=resident, kit=kit, asset=asset) == "kit_not_applicable"
    asset.asset_type.kits.add(kit)
    assert declare(organiser=resident, kit=kit, asset=asset).kit == kit


@pytest.mark.parametrize("status", ["closed", "openable"])
def test_closed_or_not_yet_open_assets_refuse(resident, kit, territory, status):
    asset = AssetFactory(territory=territory, status=status)
    assert refusal(declare, organiser=resident, kit=kit, asset=asset) == "asset_closed"


def test_an_unpublished_asset_refuses(resident, kit, territory):
    asset = AssetFactory(territory=territory, moderation="proposed")
    assert refusal(declare, organiser=resident, kit=kit, asset=asset) == "asset_closed"


def test_acting_for_an_organisation_needs_a_membership(resident, kit, asset, organisation):
    assert refusal(declare, organiser=resident, kit=kit, asset=asset, organisation=organisation) == "not_a_member"


def test_private_actors_are_refused_where_not_allowed(kit, asset, territory):
    company = OrganisationFactory(kind=Organisation.Kind.COMPANY, territory=territory)
    boss = MembershipFactory(organisation=company).user
    assert refusal(declare, organiser=boss, kit=kit, asset=asset, organisation=company) == "private_not_allowed"
    # Personally, or on an asset open to private actors, it is fine.
    assert declare(organiser=boss, kit=kit, asset=asset).organisation is None
    open_asset = AssetFactory(territory=territory, private_actors_allowed=True)
    assert declare(organiser=boss, kit=kit, asset=open_asset, organisation=company).organisation == company


def test_an_association_is_not_a_private_actor(kit, asset, organisation, org_member):
    assert organisation.kind == "association"
    assert declare(organiser=org_member, kit=kit, asset=asset, organisation=organisation).organisation == organisation


def test_the_required_level_is_checked_and_a_grant_opens_it(resident, kit, territory, moderator):
    asset = AssetFactory(territory=territory, required_level=2)
    assert refusal(declare, organiser=resident, kit=kit, asset=asset) == "level_too_low"
    level_grant(user=resident, level=2, granted_by=moderator, reason="Paysagiste de métier.", territory=territory)
    assert declare(organiser=resident, kit=kit, asset=asset).organiser == resident


def test_linking_a_project_needs_its_holder(resident, kit, asset, territory, other_territory):
    from alleger.testing.money import published_project

    mine = published_project(territory=territory, holder=resident)
    theirs = published_project(territory=territory)
    far = published_project(territory=other_territory, holder=resident)
    assert refusal(declare, organiser=resident, kit=kit, asset=asset, project=theirs) == "project_not_yours"
    assert refusal(declare, organiser=resident, kit=kit, asset=asset, project=far) == "project_elsewhere"
    assert declare(organiser=resident, kit=kit, asset=asset, project=mine).project == mine


# --- joining and leaving ----------------------------------------------------------


def test_joining_needs_the_charter_and_records_it(resident, other_resident, territory, asset):
    intervention = make_intervention(territory=territory, organiser=resident, asset=asset)
    assert refusal(services.intervention_join, intervention=intervention, user=other_resident,
                   charter_accepted=False) == "charter_not_accepted"
    participation = services.intervention_join(intervention=intervention, user=other_resident,
                                               charter_accepted=True)
    assert participation.role == "participant" and participation.charter_accepted_at and participation.seat == 2
    assert intervention.followers.filter(pk=other_resident.pk).exists()
    assert refusal(services.intervention_join, intervention=intervention, user=other_resident,
                   charter_accepted=True) == "already_participant"


def test_the_asset_limit_counts_every_active_intervention_organisers_included(territory, asset):
    # max 3: an intervention with its organiser and one participant, another with its organiser: full.
    first = make_intervention(territory=territory, asset=asset, participants=[UserFactory()])
    second = make_intervention(territory=territory, asset=asset)
    late = UserFactory()
    assert refusal(services.intervention_join, intervention=first, user=late, charter_accepted=True) == "asset_full"
    assert refusal(services.intervention_join, intervention=second, user=late,
                   charter_accepted=True) == "asset_full"
    assert refusal(make_intervention, territory=territory, asset=asset) == "asset_full"
    assert Participation.objects.filter(asset=asset).count() == 3


def test_leaving_frees_the_place(territory, asset):
    someone = UserFactory()
    intervention = make_intervention(territory=territory, asset=asset, participants=[someone, UserFactory()])
    late = UserFactory()
    assert refusal(services.intervention_join, intervention=intervention, user=late,
                   charter_accepted=True) == "asset_full"
    services.intervention_leave(intervention=intervention, user=someone)
    assert services.intervention_join(intervention=intervention, user=late, charter_accepted=True).seat == 2


def test_done_and_abandoned_interventions_free_their_places(territory, asset):
    done = make_intervention(territory=territory, asset=asset, participants=[UserFactory(), UserFactory()])
    services.intervention_set_status(intervention=done, actor=done.organiser, status="ongoing")
    services.intervention_set_status(intervention=done, actor=done.organiser, status="done")
    assert not Participation.objects.filter(seat__isnull=False).exists()
    # The done intervention keeps its participants (for the history and the reputation).
    assert done.participations.count() == 3
    assert make_intervention(territory=territory, asset=asset, participants=[UserFactory(), UserFactory()])


def test_leaving_is_refused_to_the_organiser_and_outsiders_and_after_the_end(territory, asset, resident):
    someone = UserFactory()
    intervention = make_intervention(territory=territory, asset=asset, organiser=resident, participants=[someone])
    assert refusal(services.intervention_leave, intervention=intervention, user=resident) == "organiser_cannot_leave"
    assert refusal(services.intervention_leave, intervention=intervention, user=UserFactory()) == "not_participant"
    services.intervention_set_status(intervention=intervention, actor=resident, status="abandoned")
    assert refusal(services.intervention_leave, intervention=intervention, user=someone) == "intervention_over"
    assert refusal(services.intervention_join, intervention=intervention, user=UserFactory(),
                   charter_accepted=True) == "intervention_over"


def test_joining_checks_the_asset_rules_for_each_person(territory, moderator):
    asset = AssetFactory(territory=territory, required_level=1)
    organiser = UserFactory()
    level_grant(user=organiser, level=1, granted_by=moderator, reason="Jardinier", territory=territory)
    intervention = make_intervention(territory=territory, asset=asset, organiser=organiser)
    newcomer = UserFactory()
    assert refusal(services.intervention_join, intervention=intervention, user=newcomer,
                   charter_accepted=True) == "level_too_low"
    company = OrganisationFactory(kind=Organisation.Kind.COMPANY, territory=territory)
    level_grant(user=newcomer, level=1, granted_by=moderator, reason="Pro", territory=territory)
    MembershipFactory(organisation=company, user=newcomer)
    assert refusal(services.intervention_join, intervention=intervention, user=newcomer, organisation=company,
                   charter_accepted=True) == "private_not_allowed"
    assert services.intervention_join(intervention=intervention, user=newcomer, charter_accepted=True)


def test_a_closed_asset_refuses_new_participants(territory, asset):
    intervention = make_intervention(territory=territory, asset=asset)
    type(asset).objects.filter(pk=asset.pk).update(status="closed")
    assert refusal(services.intervention_join, intervention=intervention, user=UserFactory(),
                   charter_accepted=True) == "asset_closed"


def test_the_database_refuses_a_seat_beyond_the_limit_or_taken_twice(territory, asset):
    intervention = make_intervention(territory=territory, asset=asset)
    base = {"intervention": intervention, "charter_accepted_at": intervention.created_at, "asset": asset,
            "seat_limit": 3}
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(user=UserFactory(), seat=4, **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(user=UserFactory(), seat=1, **base)  # the organiser's seat
    Participation.objects.create(user=UserFactory(), seat=2, **base)


# --- status ----------------------------------------------------------------------


def test_status_moves_forward_only_and_is_audited(territory, resident):
    intervention = make_intervention(territory=territory, organiser=resident)
    assert refusal(services.intervention_set_status, intervention=intervention, actor=resident,
                   status="done") == "invalid_transition"
    assert refusal(services.intervention_set_status, intervention=intervention, actor=resident,
                   status="nonsense") == "invalid"
    intervention = services.intervention_set_status(intervention=intervention, actor=resident, status="ongoing")
    assert intervention.started_at is not None
    intervention = services.intervention_set_status(intervention=intervention, actor=resident, status="done")
    assert intervention.finished_at is not None
    for status in ("planned", "ongoing", "abandoned"):
        assert refusal(services.intervention_set_status, intervention=intervention, actor=resident,
                       status=status) == "invalid_transition"
    assert list(AuditEvent.objects.filter(action="intervention.status").order_by("pk")
                .values_list("data", flat=True)) == [
        {"before": "planned", "after": "ongoing"}, {"before": "ongoing", "after": "done"}]


# --- journal and followers ----------------------------------------------------------


def test_a_journal_entry_with_photos_notifies_followers_but_not_its_author(territory, resident, other_resident,
                                                                       django_capture_on_commit_callbacks):
    intervention = make_intervention(territory=territory, organiser=resident)
    follower = UserFactory()
    services.intervention_follow(intervention=intervention, user=follower)
    services.intervention_join(intervention=intervention, user=other_resident, charter_accepted=True)
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.journal_add(intervention=intervention, author=resident, text="Premier **arrosage**.",
                                     photos=[png("a.png"), png("b.png")], photo_alt="Le bac planté")
    assert [p.alt for p in entry.photos.all()] == ["Le bac planté (1/2)", "Le bac planté (2/2)"]
    assert all(p.image.name.startswith("interventions/") for p in entry.photos.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([follower.email, other_resident.email])
    assert "Premier **arrosage**." in mail.outbox[0].body


def test_journal_refusals_write_nothing(territory, resident):
    intervention = make_intervention(territory=territory, organiser=resident)
    assert refusal(services.journal_add, intervention=intervention, author=resident, text=" ") == "text_required"
    assert refusal(services.journal_add, intervention=intervention, author=resident, text="Photos",
                   photos=[png()]) == "alt_required"
    assert refusal(services.journal_add, intervention=intervention, author=resident, text="Photos",
                   photos=[png()] * 7, photo_alt="x") == "too_many_photos"
    with pytest.raises(Refused.__mro__[1]) as caught:
        services.journal_add(intervention=intervention, author=resident, text="Photos",
                             photos=[SimpleUploadedFile("x.png", b"not an image")], photo_alt="x")
    assert caught.value.code == "not_an_image"
    assert not JournalEntry.objects.exists()


def test_unfollowing_stops_the_mails(territory, resident, django_capture_on_commit_callbacks):
    intervention = make_intervention(territory=territory, organiser=resident)
    follower = UserFactory()
    services.intervention_follow(intervention=intervention, user=follower)
    services.intervention_follow(intervention=intervention, user=follower, follow=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.journal_add(intervention=intervention, author=resident, text="Rien de neuf.")
    assert mail.outbox == []


def test_the_kit_and_asset_selectors_keep_done_interventions(territory, asset):
    from alleger.interventions.selectors import interventions_of_asset, interventions_with_kit

    kit = published_kit(territory)
    done = make_intervention(territory=territory, asset=asset, kit=kit, status="done")
    planned = make_intervention(territory=territory, asset=asset, kit=kit)
    abandoned = make_intervention(territory=territory, asset=asset, kit=kit, status="abandoned")
    # The active one first, then the others, newest first; done ones stay in the history.
    assert list(interventions_of_asset(asset)) == [planned, abandoned, done]
    assert set(interventions_with_kit(kit)) == {done, planned}
    assert Kit.objects.get(pk=kit.pk).interventions.count() == 3
