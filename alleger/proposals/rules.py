"""Who may do what with proposals: make, support and answer them."""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.territories.rules import is_moderator_of


# Four eyes (see alleger/core/rules.py): nobody answers their own proposal.
@rules.predicate
def wrote_the_proposal(user, proposal) -> bool:
    return is_active_account(user) and proposal is not None and proposal.author_id == user.pk


@rules.predicate
def is_open_proposal(user, proposal) -> bool:
    return proposal is not None and proposal.is_open


@rules.predicate
def moderates_proposal_territory(user, proposal) -> bool:
    return proposal is not None and is_moderator_of(user, proposal.territory)


rules.add_perm("proposals.view_proposal", rules.always_allow)
rules.add_perm("proposals.add_proposal", is_active_account)
rules.add_perm("proposals.support_proposal", is_active_account & is_open_proposal)
add_binding_perm("proposals.answer_proposal", (moderates_proposal_territory | is_platform_admin)
                 & ~wrote_the_proposal)
