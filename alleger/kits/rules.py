"""Who may do what with kits: read, write, submit, review and fork."""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.organisations.rules import belongs_to, is_admin_of
from alleger.territories.rules import is_any_moderator, is_moderator_of

from .models import EDITABLE, Status


# Four eyes (see alleger/core/rules.py): who has a stake in a kit.
@rules.predicate
def has_stake_in_kit(user, kit) -> bool:
    return is_active_account(user) and kit is not None and (
        kit.author_id == user.pk or belongs_to(user, kit.organisation_id))


@rules.predicate
def is_kit_author(user, kit) -> bool:
    """The author, or an admin of the organisation that signs the kit."""
    if not is_active_account(user) or kit is None:
        return False
    return kit.author_id == user.pk or is_admin_of(user, kit.organisation_id)


@rules.predicate
def is_published_kit(user, kit) -> bool:
    return kit is not None and kit.status == Status.PUBLISHED


@rules.predicate
def is_editable_kit(user, kit) -> bool:
    return kit is not None and kit.status in EDITABLE


@rules.predicate
def moderates_kit_territory(user, kit) -> bool:
    # A kit valid everywhere (no territory) is reviewed by the platform team only.
    return kit is not None and is_moderator_of(user, kit.territory)


rules.add_perm("kits.view_kit", is_published_kit | is_kit_author | moderates_kit_territory | is_platform_admin)
rules.add_perm("kits.add_kit", is_active_account)
# Authors change their kit until it is published; moderators and the platform
# team may correct (or revert) a published one.
rules.add_perm("kits.change_kit", (is_kit_author & is_editable_kit) | moderates_kit_territory | is_platform_admin)
rules.add_perm("kits.submit_kit", is_kit_author & is_editable_kit)
add_binding_perm("kits.review_kit", (moderates_kit_territory | is_platform_admin) & ~has_stake_in_kit)
rules.add_perm("kits.view_review_queue", is_any_moderator | is_platform_admin)
rules.add_perm("kits.fork_kit", is_active_account & is_published_kit)
