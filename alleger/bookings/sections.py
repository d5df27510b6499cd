"""What the bookings add to other apps' pages (core.sections): the place's page and the profile."""

from django.utils import timezone

from . import selectors
from .models import Booking, Status


def place_section(request, place) -> dict | None:
    """The place's bookable resources, each with its free slots of the coming week (spare capacity)."""
    resources = list(selectors.bookable_resources(place))
    user = request.user
    can_manage = user.has_perm("bookings.manage_place", place)
    if not resources and not can_manage:
        return None
    items = []
    for r in resources:
        free = selectors.free_slots(r, days=7)
        items.append({"resource": r, "free": free[:6], "free_count": len(free)})
    return {
        "place": place,
        "resources": items,
        "can_manage": can_manage,
        "can_view_occupancy": user.has_perm("bookings.view_occupancy", place),
    }


def profile_section(request, user) -> dict | None:
    upcoming = list(Booking.objects.filter(user=user, status__in=(Status.HELD, Status.CONFIRMED),
                                           end__gt=timezone.now()).select_related("resource__place")[:5])
    return {"upcoming": upcoming}
