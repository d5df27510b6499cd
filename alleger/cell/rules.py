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
