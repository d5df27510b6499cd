"""Who may grant reputation levels: a territory's moderators, or the platform team."""

import rules

from alleger.core.rules import is_platform_admin
from alleger.territories.rules import is_any_moderator, is_moderator_of

# A territory's moderators (or the platform team) grant a level floor on that territory (the object);
# the person page offers the form to anyone who moderates some territory.
rules.add_perm("reputation.grant_level", is_moderator_of | is_platform_admin)
rules.add_perm("reputation.grant_levels", is_any_moderator | is_platform_admin)
