"""The bookings demo on the demo places (made here: the places demo is the places app's), then the
funding link; a second run changes nothing."""

import pytest
from django.apps import apps

from alleger.bookings import demo as bookings_demo
from alleger.bookings.models import (
    Booking,
    Qualification,
    Resource,
    Series,
    Status,
    Training,
    WaitlistEntry,
)
from alleger.core.demo_support import DemoContext
from alleger.funding import demo_links
from alleger.funding.models import Offer
from alleger.organisations.models import Organisation
from alleger.places.models import Access, Place, ServiceKind
from alleger.territories.models import Territory
from alleger.testing.bookings_factories import PlaceFactory
from alleger.testing.demo import demo_people

PLACES = ["La Fabrique, coworking", "Fab lab de Jacquard", "Salle des fêtes de Jacquard",
          "Atelier de quartier de Carnot", "Médiathèque de Carnot"]


@pytest.fixture
def context(demo):
    city = Territory.objects.get(slug="saint-etienne")
    if not Place.objects.filter(name=PLACES[0]).exists():  # the places demo (another branch) may have made them
        for name in PLACES:
            PlaceFactory(territory=city, name=name)
    return DemoContext(people=demo_people(), territories={"city": city},
                       organisations={"association": Organisation.objects.get(slug="cafe-d-a-cote")})


def test_the_demo_has_bookings_in_every_state_and_the_in_kind_link(context):
    bookings_demo.load(context)
    demo_links.load(context)
    assert Resource.objects.get(name="Postes de travail nomades").capacity == 6
    assert Resource.objects.get(name="Atelier numérique de l'EPN").capacity == 5
    assert Resource.objects.get(name="Découpeuse laser").training is not None
    assert set(Booking.objects.values_list("status", flat=True)) == set(Status.values)
    assert Booking.objects.filter(resource__name="Grande salle", user=context.people["clemence"]).exists()
    assert WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING).exists()
    series = Series.objects.get()
    assert series.bookings.count() == 9 and [c["code"] for c in series.conflicts] == ["slot_taken"]
    assert Qualification.objects.filter(status=Qualification.Status.VALIDATED,
                                        user=context.people["alexis"]).exists()
    offer = Offer.objects.get(resource__name="Grande salle")
    assert offer.status == Offer.Status.ACCEPTED and offer.booking.status == Status.CONFIRMED
    counts = Booking.objects.count(), Offer.objects.count(), Resource.objects.count()
    bookings_demo.load(context)
    demo_links.load(context)
    assert (Booking.objects.count(), Offer.objects.count(), Resource.objects.count()) == counts


def test_a_missing_place_is_skipped(demo):
    context = DemoContext(people=demo_people(), territories={"city": Territory.objects.get(slug="saint-etienne")})
    # The cell's workshops held in the demo's rooms, then its resources and trainings go first: they hold
    # their places (the cell is a higher layer: reached through the app registry).
    apps.get_model("cell", "Workshop").objects.all().delete()
    Resource.objects.all().delete()
    Training.objects.all().delete()
    Place.objects.filter(name__in=PLACES).delete()
    bookings_demo.load(context)
    demo_links.load(context)
    assert not Resource.objects.exists()


def test_a_demo_place_s_room_service_says_what_its_bookable_rooms_do(demo):
    """The place's page shows both: « Location de la salle · Payant » above « Grande salle · Payant », never
    a free hall beside a paid room, nor « sur rendez-vous » beside a room booked online at set hours."""
    pricing = {Access.FREE: Resource.Pricing.FREE, Access.MEMBERS: Resource.Pricing.MEMBERS,
               Access.PAID: Resource.Pricing.PAID}
    rooms = Resource.objects.filter(kind=Resource.Kind.ROOM, place__source="alleger-demo").select_related("place")
    assert {room.place.name for room in rooms} == {"La Fabrique, coworking", "Salle des fêtes de Jacquard"}
    for room in rooms:
        offers = room.place.services.filter(kind__in=[ServiceKind.EVENTS, ServiceKind.MEETING_ROOM])
        assert offers and all(pricing[s.access] == room.pricing for s in offers), room
    hall = Resource.objects.get(name="Grande salle")
    renting = hall.place.services.get()
    assert (renting.opening_hours, renting.by_appointment) == (hall.opening_hours, False)
    assert "25 €" in renting.price_note and hall.price_cents == 2500
