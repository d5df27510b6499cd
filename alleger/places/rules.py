"""Who may do what with shared places: see, propose, review, manage.

Objects: a Place, or a Territory for the territory-wide review queue. A place's managers are the
members of its operator organisation (`place.operator`); the territory's moderators manage every
place of their territory too.
"""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.organisations.rules import belongs_to
from alleger.territories.rules import is_any_moderator, is_moderator_of

from .models import Moderation


@rules.predicate
def is_published_place(user, place) -> bool:
    return place is not None and place.moderation == Moderation.PUBLISHED


@rules.predicate
def is_proposed_place(user, place) -> bool:
    return place is not None and place.moderation == Moderation.PROPOSED


@rules.predicate
def proposed_the_place(user, place) -> bool:
    return is_active_account(user) and place is not None and place.proposed_by_id == user.pk


@rules.predicate
def manages_place(user, place) -> bool:
    """A member (any role) of the place's operator organisation."""
    return is_active_account(user) and place is not None and belongs_to(user, place.operator_id)


@rules.predicate
def moderates_place_territory(user, place) -> bool:
    return place is not None and is_moderator_of(user, place.territory)


rules.add_perm("places.view_place", is_published_place | proposed_the_place | manages_place
               | moderates_place_territory | is_platform_admin)
rules.add_perm("places.propose_place", is_active_account)
# Territory-wide: the territory as object.
rules.add_perm("places.review_places", is_moderator_of | is_platform_admin)
rules.add_perm("places.view_review_queue", is_any_moderator | is_platform_admin)
# One proposed place; four eyes: nobody reviews their own proposal, the platform team included.
add_binding_perm("places.review_place", is_proposed_place & (moderates_place_territory | is_platform_admin)
                 & ~proposed_the_place)
# The place and its services (add, change, remove), its photos and links.
rules.add_perm("places.change_place", manages_place | moderates_place_territory | is_platform_admin)
rules.add_perm("places.view_place_history", manages_place | moderates_place_territory | is_platform_admin)
# Importing a dataset of places (« lieux de médiation numérique », CSV or JSON) into a territory (the object).
rules.add_perm("places.import_places", is_moderator_of | is_platform_admin)
