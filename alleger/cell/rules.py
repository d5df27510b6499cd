"""The cell's permissions. Dashboards are public: they show aggregates only, the same figures the
territory publishes as open data (an open innovation cell works in the open)."""

import rules

rules.add_perm("cell.view_dashboard", rules.always_allow)


# --- The watch: the cell's own tool. Moderators of the territory read it too (they see the same contents
# in their queues); only the cell (and the platform team) acts from it: following, tagging, orienting a
# holder in an organisation's name, inviting. A saved watch is its owner's (the platform team may manage it).

from alleger.core.rules import is_platform_admin  # noqa: E402
from alleger.territories.rules import is_cell_member_of, is_moderator_of  # noqa: E402


@rules.predicate
def owns_saved_watch(user, saved) -> bool:
    return saved is not None and user.is_authenticated and saved.user_id == user.pk and user.has_perm(
        "cell.view_watch", saved.territory)


rules.add_perm("cell.view_watch", is_cell_member_of | is_moderator_of | is_platform_admin)
rules.add_perm("cell.act_on_watch", is_cell_member_of | is_platform_admin)
rules.add_perm("cell.manage_saved_watch", owns_saved_watch | is_platform_admin)


# --- Challenges -------------------------------------------------------------------------------------
# The cell of a territory states its challenges, holds their workshops, uploads their indicators and
# decides which objects answer them. Anyone with an account proposes what they hold; an open or closed
# challenge is public, a draft only for the cell. Four eyes: nobody accepts a response they proposed or
# whose object they hold (alleger.cell.challenge_services refuses it too, `conflict_of_interest`).

from alleger.core.rules import add_binding_perm, is_active_account  # noqa: E402
from alleger.organisations.rules import belongs_to  # noqa: E402

from .models import RESPONSE_MODELS  # noqa: E402


def holds(user, kind: str, target) -> bool:
    """Whether this person holds the object: the project's holder, the kit's author, the intervention's
    organiser, the proposal's author, a member of the place's operator organisation (its managers, as in
    alleger.places.rules). Calls and pools are linked by the cell, held by nobody here."""
    if target is None or not getattr(user, "is_authenticated", False):
        return False
    if kind == "place":
        return belongs_to(user, target.operator_id)
    owner_field = {"project": "holder_id", "kit": "author_id", "intervention": "organiser_id",
                   "proposal": "author_id"}.get(kind)
    return owner_field is not None and getattr(target, owner_field) == user.pk


@rules.predicate
def holds_object(user, target) -> bool:
    """`holds`, for an object of any kind that answers challenges (its kind read from its model)."""
    kind = RESPONSE_MODELS.get(target._meta.label_lower) if target is not None else None
    return kind is not None and is_active_account(user) and holds(user, kind, target)


@rules.predicate
def is_cell_of_challenge(user, challenge) -> bool:
    return challenge is not None and is_cell_member_of(user, challenge.territory)


@rules.predicate
def challenge_is_public(user, challenge) -> bool:
    return challenge is not None and challenge.status != "draft"


@rules.predicate
def challenge_is_open(user, challenge) -> bool:
    return challenge is not None and challenge.status == "open"


@rules.predicate
def is_cell_of_response(user, response) -> bool:
    return response is not None and is_cell_member_of(user, response.challenge.territory)


@rules.predicate
def has_stake_in_response(user, response) -> bool:
    """Proposed it, or holds its object."""
    return response is not None and user.is_authenticated and (
        response.proposed_by_id == user.pk or holds(user, response.kind, response.target))


rules.add_perm("cell.view_challenge", challenge_is_public | is_cell_of_challenge | is_platform_admin)
rules.add_perm("cell.add_challenge", is_cell_member_of | is_platform_admin)
rules.add_perm("cell.change_challenge", is_cell_of_challenge | is_platform_admin)
# Binding: a draft or closed challenge takes no proposal, from the platform team either.
add_binding_perm("cell.propose_response", is_active_account & challenge_is_open)
# What one may propose (the object as subject): what one holds — a place by its managers. Binding: the
# platform team proposes nobody else's object.
add_binding_perm("cell.propose_as_response", holds_object)
add_binding_perm("cell.decide_response", (is_cell_of_response | (is_platform_admin & is_active_account))
                 & ~has_stake_in_response)
