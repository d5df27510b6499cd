import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from alleger.bookings.models import Resource
from alleger.testing.bookings_factories import PlaceFactory, ResourceFactory, TrainingFactory

PARIS = ZoneInfo("Europe/Paris")
#: A Monday morning, far enough from any change of time.
NOW = dt.datetime(2030, 1, 7, 9, 0, tzinfo=PARIS)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """`day` days after NOW's day, at hour:minute, Paris time."""
    return dt.datetime(2030, 1, 7, hour, minute, tzinfo=PARIS) + dt.timedelta(days=day)


@pytest.fixture
def place(territory, organisation):
    return PlaceFactory(territory=territory, operator=organisation, name="La Fabrique")


@pytest.fixture
def room(place):
    return ResourceFactory(place=place, name="Salle Jacquard", capacity=1, buffer_minutes=15, cancel_hours=24)


@pytest.fixture
def workshop(place):
    return ResourceFactory(place=place, name="Atelier numérique", kind=Resource.Kind.SEAT, capacity=5)


@pytest.fixture
def training(place):
    return TrainingFactory(place=place, validity_days=30)


@pytest.fixture
def laser(place, training):
    return ResourceFactory(place=place, name="Découpeuse laser", kind=Resource.Kind.MACHINE, training=training,
                           pricing=Resource.Pricing.PAID, price_cents=500)
