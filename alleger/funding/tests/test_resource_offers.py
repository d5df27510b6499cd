"""In-kind help from shared places: a room or equipment need answered by a bookable resource; the
holder's acceptance books it under the booking rules (alleger.bookings)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alleger.bookings import services as bookings
from alleger.bookings.models import Booking, Status
from alleger.funding.models import Need, Offer
from alleger.funding.services import needs
from alleger.testing.bookings_factories import PlaceFactory, ResourceFactory
from alleger.testing.money import published_project

pytestmark = pytest.mark.django_db


def tomorrow(hour):
    day = timezone.localdate() + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def project(territory, resident):
    return published_project(territory=territory, holder=resident, title="La fête des voisins")


@pytest.fixture
def room(territory, organisation):
    place = PlaceFactory(territory=territory, operator=organisation, name="Salle des fêtes de Jacquard")
    return ResourceFactory(place=place, name="Grande salle", price_cents=3000, pricing="paid")


@pytest.fixture
def need(project, resident):
    return needs.need_add(project=project, actor=resident, kind=Need.Kind.ROOM, title="Une salle pour la fête")


def test_a_manager_offers_a_room_and_the_holder_accepting_books_it(need, room, org_member, resident):
    offer = needs.offer_resource(need=need, author=org_member, resource=room, start=tomorrow(18), end=tomorrow(20))
    assert offer.organisation == room.place.operator
    offer = needs.offer_set_status(offer=offer, actor=resident, status=Offer.Status.ACCEPTED)
    booking = offer.booking
    assert (booking.user, booking.start, booking.status, booking.price_cents) == (resident, tomorrow(18),
                                                                                  Status.CONFIRMED, 0)
    # withdrawn by the place: the booking is cancelled too
    needs.offer_set_status(offer=offer, actor=org_member, status=Offer.Status.WITHDRAWN)
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED


def test_accepting_is_refused_when_the_slot_was_taken_meanwhile_and_nothing_changes(need, room, org_member,
                                                                                      resident, other_resident):
    offer = needs.offer_resource(need=need, author=org_member, resource=room, start=tomorrow(18), end=tomorrow(20))
    bookings.booking_create(resource=room, user=other_resident, start=tomorrow(19), end=tomorrow(20))
    with pytest.raises(ValidationError) as exc:
        needs.offer_set_status(offer=offer, actor=resident, status=Offer.Status.ACCEPTED)
    assert exc.value.code == "slot_taken"
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PROPOSED and offer.booking is None


@pytest.mark.parametrize(("who", "kind", "hour", "code"), [
    ("resident", Need.Kind.ROOM, 18, "forbidden"),
    ("org_member", Need.Kind.SKILLS, 18, "wrong_need_kind"),
    ("org_member", Need.Kind.ROOM, 23, "closed"),
])
def test_refusals_of_an_offer(project, room, resident, who, kind, hour, code, request):
    need = needs.need_add(project=project, actor=resident, kind=kind, title="Un besoin")
    with pytest.raises(ValidationError) as exc:
        needs.offer_resource(need=need, author=request.getfixturevalue(who), resource=room, start=tomorrow(hour),
                             end=tomorrow(hour) + dt.timedelta(hours=1))
    assert exc.value.code == code
    assert not Offer.objects.exists()


def test_the_pages_show_it_on_the_project_and_on_the_place(need, room, org_member, resident, client_of):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from alleger.core import sections

    client = client_of(org_member)
    page = client.get(need.project.get_absolute_url()).content.decode()
    assert "Prêter une ressource de mon lieu" in page
    response = client.post(f"/projets/{need.project.slug}/besoins/{need.pk}/proposer-une-ressource/", {
        f"resource-{need.pk}-resource": room.pk, f"resource-{need.pk}-day": tomorrow(18).date().isoformat(),
        f"resource-{need.pk}-start": "18:00", f"resource-{need.pk}-hours": 2})
    assert response.status_code == 302
    offer = Offer.objects.get()
    client = client_of(resident)
    client.post(f"/projets/{need.project.slug}/propositions/{offer.pk}/", {"status": "accepted"})
    assert Offer.objects.get().booking is not None
    assert "réservé pour le projet" in client.get(need.project.get_absolute_url()).content.decode()
    request = RequestFactory().get("/")
    request.user = resident
    html = "".join(render_to_string(p.template, {"section": p.context, "request": request})
                   for p in sections.of("place", request, room.place))
    assert "La fête des voisins" in html and "Grande salle" in html
