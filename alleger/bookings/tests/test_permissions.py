"""The bookings permission matrix: every rule `bookings.*` × every role.

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `place` is run by `organisation` in `territory` (its members and the territory's moderators
manage it); `elsewhere` a place in `other_territory` run by nobody; `resource` a bookable room of
`place`, `inactive` one that is not bookable; `own_booking` the resident's booking of `resource`,
`others_booking` somebody else's; `training` the place's training.
"""

import pytest

from alleger.bookings.models import Booking
from alleger.testing.bookings_factories import (
    BookingFactory,
    PlaceFactory,
    ResourceFactory,
    TrainingFactory,
)
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                                   object              vis res mem adm mod cel spo pla
    ("bookings.view_resource", "resource"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("bookings.view_resource", "inactive"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.book_resource", "resource"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("bookings.book_resource", "inactive"): (_, _, _, _, _, _, _, Y),
    ("bookings.manage_place", "place"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.manage_place", "elsewhere"): (_, _, _, _, _, _, _, Y),
    ("bookings.manage_resource", "resource"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.view_booking", "own_booking"): (_, Y, Y, Y, Y, _, _, Y),
    ("bookings.view_booking", "others_booking"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.cancel_booking", "own_booking"): (_, Y, Y, Y, Y, _, _, Y),
    ("bookings.cancel_booking", "others_booking"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.check_in", "own_booking"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.validate_training", "training"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.request_training", "training"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("bookings.view_occupancy", "place"): (_, _, Y, Y, Y, Y, _, Y),
    ("bookings.view_occupancy", "elsewhere"): (_, _, _, _, _, _, _, Y),
    ("bookings.offer_resource", "resource"): (_, _, Y, Y, Y, _, _, Y),
    ("bookings.offer_resource", "inactive"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, organisation, resident, other_resident):
    place = PlaceFactory(territory=territory, operator=organisation)
    resource = ResourceFactory(place=place)
    return {
        "place": place,
        "elsewhere": PlaceFactory(territory=other_territory),
        "resource": resource,
        "inactive": ResourceFactory(place=place, active=False),
        "own_booking": BookingFactory(resource=resource, user=resident, status=Booking.Status.CONFIRMED),
        "others_booking": BookingFactory(resource=resource, user=other_resident),
        "training": TrainingFactory(place=place),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"bookings"}))
