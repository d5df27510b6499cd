"""The foundation's permission matrix: every rule of alleger/territories/rules.py
and alleger/organisations/rules.py × every role.

Read a row as "who may <permission> on <object>". Columns follow conftest.ROLES:

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `territory` is where the moderator and cell member hold their role,
`other_territory` is one where nobody does; `organisation` is an ordinary
association, `sponsor_org` a foundation with is_sponsor=True. Django lets an
active superuser do everything, which is the platform admin's role; the matrix
makes that explicit.
"""

from importlib import import_module

import pytest
import rules
from django.apps import apps
from rules.permissions import permissions as registered_rules

from alleger.organisations.models import Membership, SponsorshipRequest
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                                 object            vis res mem adm mod cel spo pla
    ("territories.moderate", "territory"): (_, _, _, _, Y, _, _, Y),
    ("territories.moderate", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("organisations.add_organisation", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("organisations.change_organisation", "organisation"): (_, _, _, Y, _, _, _, Y),
    ("organisations.change_organisation", "sponsor_org"): (_, _, _, _, _, _, _, Y),
    ("organisations.manage_members", "organisation"): (_, _, _, Y, _, _, _, Y),
    ("organisations.manage_members", "sponsor_org"): (_, _, _, _, _, _, _, Y),
    ("organisations.act_for", "organisation"): (_, _, Y, Y, _, _, _, Y),
    ("organisations.act_for", "sponsor_org"): (_, _, _, _, _, _, Y, Y),
    # Money and requests in an organisation's name: its admins only, never the platform team for it.
    ("organisations.contribute_as", "organisation"): (_, _, _, Y, _, _, _, _),
    ("organisations.contribute_as", "sponsor_org"): (_, _, _, _, _, _, _, _),
    ("organisations.request_sponsorship", "organisation"): (_, _, _, Y, _, _, _, _),
    ("organisations.request_sponsorship", "sponsor_org"): (_, _, _, _, _, _, _, _),
    # Vouching for an organisation: its territory's moderators and the platform team, never its members
    ("organisations.verify", "organisation"): (_, _, _, _, Y, _, _, Y),
    ("organisations.verify", "sponsor_org"): (_, _, _, _, Y, _, _, Y),
    ("organisations.decide_sponsorship", "sponsorship_request"): (_, _, _, _, Y, _, _, Y),
    ("organisations.decide_sponsorship", "sponsorship_request_elsewhere"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, organisation, sponsor_organisation, other_resident):
    def asked(where):
        return SponsorshipRequest.objects.create(organisation=organisation, territory=where, message="Mécénat",
                                                 requested_by=other_resident)

    return {
        "sponsorship_request": asked(territory),
        "sponsorship_request_elsewhere": asked(other_territory),
        None: None,
        "territory": territory,
        "other_territory": other_territory,
        "organisation": organisation,
        "sponsor_org": sponsor_organisation,
    }


#: The apps whose permissions this matrix walks; later tracks keep their own.
FOUNDATION_APPS = {"territories", "organisations"}


def test_every_registered_permission_is_in_a_matrix():
    """Each app walks its own permissions in alleger/<app>/tests/test_permissions.py,
    a module-level MATRIX keyed by (permission, object) like this one."""
    covered = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("alleger."):
            continue
        try:
            module = import_module(f"{config.name}.tests.test_permissions")
        except ModuleNotFoundError as exc:
            if not f"{config.name}.tests.test_permissions".startswith(exc.name or "?"):
                raise
            continue
        covered |= {permission for permission, _ in getattr(module, "MATRIX", {})}
    missing = sorted(set(registered_rules.keys()) - covered)
    assert missing == [], "permissions without a row in any matrix"


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps=FOUNDATION_APPS))


@pytest.mark.django_db
def test_a_deactivated_account_keeps_no_permission(org_admin, organisation, moderator, territory):
    # Given an organisation admin and a moderator whose accounts are deactivated
    for person in (org_admin, moderator):
        person.is_active = False
        person.save()
    # Then the roles they still hold on paper give them nothing
    assert not org_admin.has_perm("organisations.change_organisation", organisation)
    assert not org_admin.has_perm("organisations.manage_members", organisation)
    assert not moderator.has_perm("territories.moderate", territory)
    assert not moderator.has_perm("organisations.add_organisation")


@pytest.mark.django_db
def test_it_follows_a_role_change(org_member, organisation):
    # Given a member who cannot manage the organisation
    assert not org_member.has_perm("organisations.manage_members", organisation)
    # When they are promoted to admin
    Membership.objects.filter(user=org_member, organisation=organisation).update(role=Membership.Role.ADMIN)
    # Then the permission follows (nothing is cached on the user)
    assert org_member.has_perm("organisations.manage_members", organisation)


@pytest.mark.django_db
def test_the_rules_themselves_do_not_special_case_superusers(platform_admin, organisation):
    # The platform admin's "everything" comes from Django's superuser shortcut,
    # not from the rules: the membership rule alone refuses a non-member.
    assert not rules.has_perm("organisations.act_for", platform_admin, organisation)
    assert rules.has_perm("organisations.change_organisation", platform_admin, organisation)
