"""Places answering challenges: their managers (members of the operator organisation) propose them, from
the place's page or the challenge's, and the cell accepts or declines as for any response."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from alleger.cell import challenge_services as services
from alleger.cell.models import Challenge, ChallengeResponse
from alleger.core.errors import Refused
from alleger.organisations.models import Membership
from alleger.testing.factories import MembershipFactory
from alleger.testing.places_factories import PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(territory, cell_member):
    today = timezone.localdate()
    return services.challenge_create(actor=cell_member, territory=territory, title="Des lieux pour réparer",
                                     problem="On jette ce qui se répare.", starts_on=today,
                                     ends_on=today + datetime.timedelta(days=90), status=Challenge.Status.OPEN)


@pytest.fixture
def place(territory, organisation):
    return PlaceFactory(territory=territory, operator=organisation, name="Repair café des Prés")


def test_a_manager_proposes_their_place_from_its_page_and_the_cell_accepts(client_of, challenge, place, org_member,
                                                                          cell_member, resident):
    page = client_of(resident).get(place.get_absolute_url()).content.decode()
    assert "Proposer ce lieu en réponse à un défi" not in page  # not theirs

    client = client_of(org_member)
    page = client.get(place.get_absolute_url()).content.decode()
    assert "Proposer ce lieu en réponse à un défi" in page
    assert f'<option value="{challenge.pk}">Des lieux pour réparer</option>' in page
    response = client.post(reverse("cell:place_propose", args=[place.pk]),
                           {"challenge": challenge.pk, "note": "On répare tous les samedis."})
    assert response.status_code == 302 and response.url == place.get_absolute_url() + "#defis"
    proposed = ChallengeResponse.objects.get()
    assert (proposed.kind, proposed.place, proposed.status, proposed.proposed_by) == (
        "place", place, "proposed", org_member)
    # Proposed once: the form is gone, the page says it awaits the cell (to its managers only), and proposing
    # again is refused, nothing written.
    page = client.get(place.get_absolute_url()).content.decode()
    assert "Proposer ce lieu en réponse à un défi" not in page
    assert "Proposé par vous, en attente de la décision de la cellule d'innovation" in page
    assert f'<a href="{challenge.get_absolute_url()}">Des lieux pour réparer</a>' in page
    again = client.post(reverse("cell:place_propose", args=[place.pk]), {"challenge": challenge.pk}, follow=True)
    assert "Cet objet répond déjà à ce défi" in again.content.decode() and ChallengeResponse.objects.count() == 1
    assert "en attente de la décision" not in client_of(resident).get(place.get_absolute_url()).content.decode()

    cell = client_of(cell_member)
    decided = cell.post(reverse("cell:response_decide", args=[challenge.territory.slug, challenge.pk, proposed.pk]),
                        {f"r{proposed.pk}-decision": "accept"})
    assert decided.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == "accepted" and proposed.decided_by == cell_member
    # The challenge links to the place's page, and the place's page to the challenge.
    detail = client_of(resident).get(challenge.get_absolute_url()).content.decode()
    assert f'<a href="{place.get_absolute_url()}">Repair café des Prés</a>' in detail
    assert f'<a href="{challenge.get_absolute_url()}">Des lieux pour réparer</a>' in client_of(resident).get(
        place.get_absolute_url()).content.decode()


def test_a_manager_proposes_their_place_from_the_challenge_page(client_of, challenge, place, org_admin):
    client = client_of(org_admin)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert f'<option value="place:{place.pk}">Repair café des Prés</option>' in page
    response = client.post(reverse("cell:response_propose", args=[challenge.territory.slug, challenge.pk]),
                           {"target": f"place:{place.pk}"})
    assert response.status_code == 302
    assert ChallengeResponse.objects.get().place == place


def test_others_may_not_propose_a_place(client_of, challenge, place, resident, moderator):
    for person in (resident, moderator):  # a moderator manages the place's record, but does not hold it
        response = client_of(person).post(reverse("cell:place_propose", args=[place.pk]), {"challenge": challenge.pk})
        assert response.status_code == 403
        with pytest.raises(Refused) as refusal:
            services.response_propose(challenge=challenge, actor=person, kind="place", target=place)
        assert refusal.value.code == "not_yours"
    assert not ChallengeResponse.objects.exists()


def test_a_cell_member_who_manages_the_place_does_not_decide_it(challenge, place, cell_member, org_member,
                                                                territory):
    """Four eyes: a place's manager has a stake in it, inside the cell too."""
    from alleger.territories.models import TerritoryRole
    from alleger.testing.factories import TerritoryRoleFactory, UserFactory

    MembershipFactory(organisation=place.operator, user=cell_member, role=Membership.Role.MEMBER)
    linked = services.response_link(challenge=challenge, actor=cell_member, kind="place", target=place)
    assert linked.status == "proposed"  # the cell member holds it: proposed, not accepted at once
    assert not cell_member.has_perm("cell.decide_response", linked)
    with pytest.raises(Refused) as refusal:
        services.response_decide(response=linked, actor=cell_member, accept=True)
    assert refusal.value.code == "conflict_of_interest"
    other = TerritoryRoleFactory(territory=territory, role=TerritoryRole.Role.CELL, user=UserFactory()).user
    assert services.response_decide(response=linked, actor=other, accept=True).status == "accepted"


def test_a_place_under_review_cannot_answer(challenge, place, org_member):
    place.moderation = "proposed"
    place.save(update_fields=["moderation"])
    with pytest.raises(Refused) as refusal:
        services.response_propose(challenge=challenge, actor=org_member, kind="place", target=place)
    assert refusal.value.code == "invalid"
