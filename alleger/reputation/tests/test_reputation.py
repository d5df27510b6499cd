"""Reputation: points from done interventions and published kits, levels, grants as a floor, pages."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.interventions.models import Intervention
from alleger.interventions.services import intervention_set_status, journal_add
from alleger.kits.models import Kit
from alleger.reputation import levels
from alleger.reputation.models import ReputationGrant
from alleger.reputation.selectors import level_for, reputation_of
from alleger.reputation.services import level_grant
from alleger.testing.factories import UserFactory
from alleger.testing.interventions_factories import make_intervention
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


def _done_on(day, **fields) -> Intervention:
    """An intervention started on `day` and marked done that day, at noon."""
    intervention = make_intervention(starts_on=day, status="ongoing", **fields)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return intervention_set_status(intervention=intervention, actor=intervention.organiser, status="done", now=noon)


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "green").save(buffer, format="PNG")
    return SimpleUploadedFile("bac.png", buffer.getvalue(), content_type="image/png")


def test_levels_come_from_points_at_the_documented_thresholds():
    assert [levels.level_from_points(p) for p in (0, 9, 10, 39, 40, 99, 100, 1000)] == [0, 0, 1, 1, 2, 2, 3, 3]


def test_only_done_interventions_and_published_kits_earn_points(territory, resident):
    joiner = UserFactory()
    make_intervention(territory=territory, organiser=resident, participants=[joiner], status="done")
    make_intervention(territory=territory, organiser=resident, status="ongoing")
    make_intervention(territory=territory, organiser=resident, status="abandoned")
    make_kit(author=resident, territory=territory, status=Kit.Status.PUBLISHED)
    make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    # The kits made by make_intervention have other authors.
    mine = reputation_of(resident)
    assert (mine.organised_done, mine.joined_done, mine.kits_published) == (1, 0, 1)
    assert mine.points == levels.ORGANISED_DONE + levels.KIT_PUBLISHED == 25 and mine.level == 1
    theirs = reputation_of(joiner)
    assert (theirs.joined_done, theirs.points, theirs.level) == (1, levels.JOINED_DONE, 0)


def test_a_grant_is_a_floor_and_the_latest_grant_counts(resident, moderator, territory):
    assert level_for(resident) == 0
    level_grant(user=resident, level=2, granted_by=moderator, reason="Paysagiste.", territory=territory)
    assert level_for(resident) == 2
    for day in range(5):  # 50 points over five days, each vouched for by a participant: level 2
        _done_on(datetime.date(2026, 5, 2 + day), territory=territory, organiser=resident,
                 participants=[UserFactory()])
    level_grant(user=resident, level=0, granted_by=moderator, reason="Retrait du plancher.", territory=territory)
    assert level_for(resident) == 2  # the points still count
    level_grant(user=resident, level=3, granted_by=moderator, reason="Référent.", territory=territory)
    assert level_for(resident) == 3
    assert AuditEvent.objects.filter(action="reputation.grant", target_id=str(resident.pk)).count() == 3


def test_granting_is_for_the_territory_moderators_and_the_platform(resident, moderator, other_territory,
                                                                 platform_admin, cell_member, territory):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        level_grant(user=resident, level=2, granted_by=moderator, reason="x", territory=other_territory)
    with pytest.raises(PermissionDenied):
        level_grant(user=resident, level=2, granted_by=cell_member, reason="x", territory=territory)
    with pytest.raises(PermissionDenied):
        level_grant(user=resident, level=2, granted_by=moderator, reason="x", territory=None)
    level_grant(user=resident, level=1, granted_by=platform_admin, reason="Équipe.", territory=None)
    assert ReputationGrant.objects.count() == 1


@pytest.mark.parametrize(("level", "reason", "code"), [(4, "x", "invalid_level"), (-1, "x", "invalid_level"),
                                                       (2, "  ", "reason_required")])
def test_grant_refusals(resident, moderator, territory, level, reason, code):
    with pytest.raises(Refused) as caught:
        level_grant(user=resident, level=level, granted_by=moderator, reason=reason, territory=territory)
    assert caught.value.code == code and not ReputationGrant.objects.exists()


def test_a_moderator_cannot_raise_their_own_level(moderator, territory):
    with pytest.raises(Refused) as caught:
        level_grant(user=moderator, level=3, granted_by=moderator, reason="Moi.", territory=territory)
    assert caught.value.code == "own_level"


# --- pages ------------------------------------------------------------------------


def test_the_levels_page_explains_thresholds(client):
    page = client.get("/niveaux/").content.decode()
    assert "Super-intervenant" in page and "100" in page and "plancher" in page


def test_the_profile_and_the_public_page_show_the_level(client, resident, moderator, territory):
    level_grant(user=resident, level=2, granted_by=moderator, reason="Paysagiste.", territory=territory)
    client.force_login(resident)
    assert "Niveau d'intervenant 2 sur 3" in client.get("/compte/").content.decode()
    client.logout()
    public = client.get(f"/niveaux/personnes/{resident.pk}/").content.decode()
    assert "Niveau d'intervenant 2 sur 3" in public and "Paysagiste" not in public  # reasons: moderators only


def test_a_moderator_grants_through_the_page(client, resident, moderator, territory):
    client.force_login(moderator)
    page = client.get(f"/niveaux/personnes/{resident.pk}/")
    assert "Accorder un niveau" in page.content.decode()
    response = client.post(f"/niveaux/personnes/{resident.pk}/niveau/",
                           {"level": "2", "territory": territory.pk, "reason": "Paysagiste de métier."})
    assert response.status_code == 302 and level_for(resident) == 2


def test_a_bad_grant_form_says_why_in_french_and_writes_nothing(client, resident, moderator, territory,
                                                               other_territory):
    client.force_login(moderator)
    response = client.post(f"/niveaux/personnes/{resident.pk}/niveau/",
                           {"level": "9", "territory": territory.pk, "reason": ""})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    response = client.post(f"/niveaux/personnes/{resident.pk}/niveau/",
                           {"level": "2", "territory": other_territory.pk, "reason": "x"})
    assert response.status_code == 400
    assert not ReputationGrant.objects.exists()


def test_residents_cannot_grant(client, resident, other_resident):
    client.force_login(resident)
    response = client.post(f"/niveaux/personnes/{other_resident.pk}/niveau/", {"level": "3", "reason": "x"})
    assert response.status_code == 403 and not ReputationGrant.objects.exists()


# --- points only for interventions that really happened ------------------------------


def test_the_farming_scenario_no_longer_reaches_a_level(territory, resident):
    # Given a resident who declares ten interventions in the future
    future = timezone.localdate() + datetime.timedelta(days=10)
    declared = [make_intervention(territory=territory, organiser=resident, starts_on=future, status="ongoing")
                for _ in range(10)]
    # When they try to mark them done at once
    for intervention in declared:
        with pytest.raises(Refused) as caught:
            intervention_set_status(intervention=intervention, actor=resident, status="done")
        assert caught.value.code == "too_early"
    # Then nothing is done and they earn nothing
    assert not Intervention.objects.filter(status="done").exists()
    assert reputation_of(resident).points == 0 and level_for(resident) == 0


def test_interventions_done_alone_and_without_a_photo_earn_nothing(territory, resident):
    for _ in range(10):
        make_intervention(territory=territory, organiser=resident, status="done")  # started in May
    mine = reputation_of(resident)
    assert (mine.organised_done, mine.points, mine.level) == (0, 0, 0)


def test_another_participant_or_a_photo_vouches_for_an_intervention(territory, resident):
    make_intervention(territory=territory, organiser=resident, participants=[UserFactory()], status="done")
    with_photo = _done_on(datetime.date(2026, 6, 1), territory=territory, organiser=resident)
    assert reputation_of(resident).organised_done == 1
    journal_add(intervention=with_photo, author=resident, text="Le bac est planté.", photos=[_photo()],
                photo_alt="Le bac planté")
    assert reputation_of(resident).organised_done == 2
    # A journal entry without a photo is not enough
    alone = _done_on(datetime.date(2026, 6, 2), territory=territory, organiser=resident)
    journal_add(intervention=alone, author=resident, text="Fait.")
    assert reputation_of(resident).organised_done == 2


def test_an_intervention_whose_planned_end_is_ahead_does_not_count_yet(territory, resident):
    today = timezone.localdate()
    _done_on(today, territory=territory, organiser=resident, participants=[UserFactory()],
             ends_on=today + datetime.timedelta(days=3))
    assert reputation_of(resident).points == 0
    Intervention.objects.update(ends_on=today)
    assert reputation_of(resident).points == levels.ORGANISED_DONE


def test_one_marked_done_before_its_start_never_counts(territory, resident):
    # Data from before the service refused it: done on 1 May, planned to start on 2 May
    intervention = make_intervention(territory=territory, organiser=resident, participants=[UserFactory()],
                                     starts_on=datetime.date(2026, 5, 2), status="done")
    Intervention.objects.filter(pk=intervention.pk).update(
        finished_at=timezone.make_aware(datetime.datetime(2026, 5, 1, 12)))
    assert reputation_of(resident).points == 0


def test_it_can_be_marked_done_on_its_start_day(territory, resident):
    today = timezone.localdate()
    intervention = _done_on(today, territory=territory, organiser=resident, participants=[UserFactory()])
    assert intervention.status == "done"
    assert reputation_of(resident).points == levels.ORGANISED_DONE


def test_points_from_interventions_are_capped_per_day(territory, resident):
    day = datetime.date(2026, 6, 10)
    for _ in range(5):
        _done_on(day, territory=territory, organiser=resident, participants=[UserFactory()])
    assert reputation_of(resident).points == levels.DAILY_CAP == 20
    _done_on(day + datetime.timedelta(days=1), territory=territory, organiser=resident,
             participants=[UserFactory()])
    assert reputation_of(resident).points == 30
    # Published kits are not capped
    make_kit(author=resident, territory=territory, status=Kit.Status.PUBLISHED)
    assert reputation_of(resident).points == 30 + levels.KIT_PUBLISHED


def test_a_joiner_earns_points_for_a_done_intervention(territory, resident):
    joined = _done_on(datetime.date(2026, 6, 3), territory=territory, participants=[resident])
    assert joined.organiser != resident
    mine = reputation_of(resident)
    assert (mine.joined_done, mine.points) == (1, levels.JOINED_DONE)
