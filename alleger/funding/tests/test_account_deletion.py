"""Closing an account stops what goes on in the person's name, after saying so (accounts.personal_data):
pledges still withdrawable are cancelled, bookings to come are released, organisations they alone run are
named. The data export holds their contributions, bookings, comments, interventions and reports too."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from alleger.bookings import services as booking_services
from alleger.bookings.models import Booking
from alleger.funding.models import Contribution
from alleger.organisations.models import Membership
from alleger.testing.bookings_factories import PlaceFactory, ResourceFactory
from alleger.testing.factories import MembershipFactory
from alleger.testing.funding_factories import ProjectFactory, pledge

pytestmark = pytest.mark.django_db


def _slot(days, hour):
    day = timezone.localdate() + dt.timedelta(days=days)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return start, start + dt.timedelta(hours=1)


@pytest.fixture
def holdings(resident, organisation, territory):
    campaign = ProjectFactory(live=True, territory=territory, title="Le jardin de poche")
    ending = ProjectFactory(live=True, territory=territory, title="Le four à pain",
                            deadline=timezone.now() + dt.timedelta(hours=3))
    open_pledge = pledge(campaign, resident, 5_000)
    late_pledge = pledge(ending, resident, 2_000)
    room = ResourceFactory(place=PlaceFactory(territory=territory, operator=organisation), name="Salle Jacquard",
                           cancel_hours=48)
    start, end = _slot(1, 10)  # tomorrow: past the room's 48-hour deadline for an online cancel
    booking = booking_services.booking_create(resource=room, user=resident, start=start, end=end)
    MembershipFactory(user=resident, organisation=organisation, role=Membership.Role.ADMIN)
    return {"open": open_pledge, "late": late_pledge, "booking": booking}


def test_the_page_says_what_closing_the_account_will_do_then_does_it(client, resident, password, holdings):
    client.force_login(resident)
    page = client.get("/compte/supprimer/").content.decode().replace("&#x27;", "'")
    assert "Ce qui se passera aussi" in page
    assert "Votre contribution en cours (50 €) sera annulée" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Une contribution (20 €) ne peut plus être annulée" in page.replace("\u202f", " ").replace("\xa0", " ")
    assert "Votre réservation à venir sera annulée" in page
    assert "Vous êtes la seule personne à administrer Le Café d'à Côté" in page

    response = client.post("/compte/supprimer/", {"password": password, "confirm": "on"})
    assert response.status_code == 302
    assert Contribution.objects.get(pk=holdings["open"].pk).status == Contribution.Status.CANCELLED
    assert Contribution.objects.get(pk=holdings["late"].pk).status == Contribution.Status.AUTHORISED  # as promised
    assert Booking.objects.get(pk=holdings["booking"].pk).status == Booking.Status.CANCELLED  # the slot is free again


def test_money_already_paid_to_a_funded_campaign_is_not_said_to_be_due(client, resident, territory):
    funded = ProjectFactory(live=True, territory=territory, title="Le four", deadline=timezone.now() + dt.timedelta(hours=3))
    paid = pledge(funded, resident, 2_000)
    Contribution.objects.filter(pk=paid.pk).update(status=Contribution.Status.CAPTURED)
    client.force_login(resident)
    assert "restent dues" not in client.get("/compte/supprimer/").content.decode()
    assert "reste due" not in client.get("/compte/supprimer/").content.decode()


def test_a_person_with_nothing_going_on_is_told_nothing_more(client, resident):
    client.force_login(resident)
    assert "Ce qui se passera aussi" not in client.get("/compte/supprimer/").content.decode()


def test_the_export_holds_contributions_and_bookings(client, resident, holdings):
    client.force_login(resident)
    data = json.loads(client.get("/compte/export/").content)
    assert [(c["project"], c["amount_cents"]) for c in data["contributions"]] == [
        ("Le jardin de poche", 5_000), ("Le four à pain", 2_000)]
    assert [(b["resource"], b["status"]) for b in data["bookings"]] == [("Salle Jacquard", "confirmed")]
    assert {"comments", "interventions", "reports"} <= data.keys()
