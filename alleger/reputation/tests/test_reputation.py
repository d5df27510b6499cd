"""Reputation: points from done interventions and published kits, levels, grants as a floor, pages."""

import pytest

from alleger.core.models import AuditEvent
from alleger.kits.models import Kit
from alleger.reputation import levels
from alleger.reputation.models import ReputationGrant
from alleger.reputation.selectors import level_for, reputation_of
from alleger.reputation.services import Refused, level_grant
from alleger.testing.factories import UserFactory
from alleger.testing.interventions_factories import make_intervention
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


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
    for _ in range(5):
        make_intervention(territory=territory, organiser=resident, status="done")  # 50 points: level 2
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
