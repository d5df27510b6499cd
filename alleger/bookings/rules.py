"""Who may do what with bookings.

A place's manager is a member of the organisation that runs it (`place.operator`) or a moderator of
its territory. Objects: a Place, a Resource, a Booking or a Training (each knows its place).
"""

import rules

from alleger.core.rules import is_active_account, is_platform_admin
from alleger.organisations.rules import belongs_to
from alleger.places.models import Place
from alleger.territories.models import TerritoryRole
from alleger.territories.rules import is_moderator_of


def place_of(obj):
    """The place an object of this app belongs to (a Place, Resource, Training, Booking)."""
    if obj is None or isinstance(obj, Place):
        return obj
    if hasattr(obj, "place"):
        return obj.place
    if hasattr(obj, "resource"):
        return obj.resource.place
    return None


def manages(user, place) -> bool:
    """The test other apps and the services ask: may this person run this place's bookings?"""
    return (is_active_account(user) and place is not None
            and (belongs_to(user, place.operator_id) or is_moderator_of(user, place.territory)))


@rules.predicate
def is_place_manager(user, obj) -> bool:
    return manages(user, place_of(obj))


@rules.predicate
def is_cell_of_place_territory(user, obj) -> bool:
    place = place_of(obj)
    return is_active_account(user) and place is not None and TerritoryRole.objects.filter(
        user=user, territory_id=place.territory_id, role=TerritoryRole.Role.CELL).exists()


@rules.predicate
def is_bookable(user, resource) -> bool:
    return (resource is not None and resource.active
            and resource.place.moderation == Place.Moderation.PUBLISHED)


@rules.predicate
def booked_it(user, booking) -> bool:
    return is_active_account(user) and booking is not None and booking.user_id == user.pk


rules.add_perm("bookings.view_resource", is_bookable | is_place_manager | is_platform_admin)
rules.add_perm("bookings.book_resource", is_active_account & is_bookable)
rules.add_perm("bookings.manage_place", is_place_manager | is_platform_admin)
rules.add_perm("bookings.manage_resource", is_place_manager | is_platform_admin)
rules.add_perm("bookings.view_booking", booked_it | is_place_manager | is_platform_admin)
rules.add_perm("bookings.cancel_booking", booked_it | is_place_manager | is_platform_admin)
rules.add_perm("bookings.check_in", is_place_manager | is_platform_admin)
rules.add_perm("bookings.validate_training", is_place_manager | is_platform_admin)
rules.add_perm("bookings.request_training", is_active_account)
rules.add_perm("bookings.view_occupancy", is_place_manager | is_cell_of_place_territory | is_platform_admin)
# Offering a resource to a campaign's in-kind need: its manager only.
rules.add_perm("bookings.offer_resource", is_place_manager & is_bookable)
