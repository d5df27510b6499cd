"""Factories for the bookings of shared places (places are built here too: the places app has no
factories of its own in this branch)."""

import factory

from alleger.bookings.models import Booking, Resource, Training
from alleger.places.models import Place

from .factories import TerritoryFactory


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Tiers-lieu n° {n}")
    place_type = Place.PlaceType.THIRD_PLACE
    profile_creation = True
    address = "1 rue de la République"
    city = "Saint-Étienne"
    lat = 45.44
    lon = 4.39


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    place = factory.SubFactory(PlaceFactory)
    name = "Initiation à la découpeuse laser"
    validity_days = 365


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Salle n° {n}")
    kind = Resource.Kind.ROOM
    capacity = 1
    opening_hours = "Mo-Su 08:00-22:00"
    slot_minutes = 60
    max_slots = 4
    book_ahead_days = 60


class BookingFactory(factory.django.DjangoModelFactory):
    """A booking written as is (no rule checked): for lists and permissions, not for the rules."""

    class Meta:
        model = Booking

    resource = factory.SubFactory(ResourceFactory)
    # Two hours apart from one booking to the next (an hour each), within 25 days: two bookings of a resource
    # never overlap by chance (random dates did, and PostgreSQL's exclusion constraint refused the second).
    start = factory.Sequence(lambda n: __import__("django.utils.timezone").utils.timezone.now().replace(
        microsecond=0) + __import__("datetime").timedelta(days=1, hours=2 * (n % 300)))
    end = factory.LazyAttribute(lambda o: o.start + __import__("datetime").timedelta(hours=1))
    blocked_end = factory.LazyAttribute(lambda o: o.end)
    exclusive = factory.LazyAttribute(lambda o: o.resource.capacity == 1)
