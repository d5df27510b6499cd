"""What every app's rules start from: an active account, the platform team, and
the permissions that bind the platform team too.

Each app declares its permissions in its own `rules.py` (django-rules loads them
all when Django starts: `rules.apps.AutodiscoverRulesConfig`). Views, the API and
templates only ask `user.has_perm("<app>.<action>", obj)`. Shared predicates
live with what they are about: territory roles in `territories.rules`,
memberships in `organisations.rules`; an app's rules import only from the apps
below it.
"""

import rules

is_platform_admin = rules.is_superuser


@rules.predicate
def is_active_account(user) -> bool:
    return user.is_authenticated and user.is_active


# --- four eyes ------------------------------------------------------------
# Nobody approves what they have a stake in: their own pledge, their own
# project, kit or proposal, or one of an organisation they belong to. Each app
# says who has a stake (its services call these predicates too, and refuse with
# the code "conflict_of_interest"), and the permissions that approve something
# exclude them. Such permissions bind the platform team as well: Django's
# superuser shortcut is skipped for them (User.has_perm).

#: Permissions the superuser shortcut does not grant: the rule decides, for the platform team too.
BINDING_FOR_SUPERUSERS: set[str] = set()


def add_binding_perm(name: str, predicate) -> None:
    """Register a permission that the platform team gets only if the rule grants it."""
    rules.add_perm(name, predicate)
    BINDING_FOR_SUPERUSERS.add(name)
