"""The funding permission matrix: every rule `funding.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `published` is a live campaign in `territory` carried by
`organisation` (held by somebody else); `own_draft` a draft the resident
holds; `org_draft` a draft carried by `organisation`, held by somebody else;
`elsewhere_draft` a draft in `other_territory`; `resident_contribution` the
resident's pledge to `published`; `pool` the sponsor foundation's pool.

Four eyes: `moderator_draft` is held by the moderator, `moderator_org_draft`
carried by an association the moderator is a plain member of, `admin_draft`
held by the platform admin; `moderator_contribution` and `admin_contribution`
are their own pledges to `published`, `to_moderator_project` the resident's
pledge to a campaign the moderator holds, `to_moderator_org_project` to one
carried by the moderator's association. `late_contribution` is the
resident's pledge to a campaign ending in less than 24 hours.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from alleger.core.errors import Refused
from alleger.funding.models import Contribution, Project
from alleger.testing.factories import MembershipFactory
from alleger.testing.funding_factories import ProjectFactory, funded_pool, pledge
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                                   object                  vis res mem adm mod cel spo pla
    ("funding.view_project", "published"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("funding.view_project", "own_draft"): (_, Y, _, _, Y, _, _, Y),
    ("funding.view_project", "org_draft"): (_, _, _, Y, Y, _, _, Y),
    ("funding.view_project", "elsewhere_draft"): (_, _, _, _, _, _, _, Y),
    ("funding.view_project", "submitted"): (_, _, _, _, Y, Y, _, Y),  # the cell sees it once submitted
    ("funding.add_project", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("funding.change_project", "own_draft"): (_, Y, _, _, _, _, _, Y),
    ("funding.change_project", "org_draft"): (_, _, _, Y, _, _, _, Y),
    ("funding.manage_project", "published"): (_, _, _, Y, _, _, _, Y),
    ("funding.manage_project", "own_draft"): (_, Y, _, _, _, _, _, Y),
    ("funding.review_project", "own_draft"): (_, _, _, _, Y, _, _, Y),
    ("funding.review_project", "elsewhere_draft"): (_, _, _, _, _, _, _, Y),
    ("funding.review_project", "moderator_draft"): (_, _, _, _, _, _, _, Y),
    ("funding.review_project", "moderator_org_draft"): (_, _, _, _, _, _, _, Y),
    ("funding.review_project", "admin_draft"): (_, _, _, _, Y, _, _, _),
    ("funding.contribute", "published"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("funding.cancel_contribution", "resident_contribution"): (_, Y, _, _, _, _, _, _),
    ("funding.cancel_contribution", "late_contribution"): (_, _, _, _, _, _, _, _),
    ("funding.cancel_contribution", "moderator_contribution"): (_, _, _, _, Y, _, _, _),
    ("funding.confirm_receipt", "resident_contribution"): (_, _, _, _, Y, _, _, Y),
    ("funding.confirm_receipt", "moderator_contribution"): (_, _, _, _, _, _, _, Y),
    ("funding.confirm_receipt", "admin_contribution"): (_, _, _, _, Y, _, _, _),
    ("funding.confirm_receipt", "to_moderator_project"): (_, _, _, _, _, _, _, Y),
    ("funding.confirm_receipt", "to_moderator_org_project"): (_, _, _, _, _, _, _, Y),
    # Handing back offline money owed: the same hands as the receipt
    ("funding.confirm_returned", "resident_contribution"): (_, _, _, _, Y, _, _, Y),
    ("funding.confirm_returned", "moderator_contribution"): (_, _, _, _, _, _, _, Y),
    ("funding.confirm_returned", "admin_contribution"): (_, _, _, _, Y, _, _, _),
    ("funding.confirm_returned", "to_moderator_project"): (_, _, _, _, _, _, _, Y),
    ("funding.confirm_returned", "to_moderator_org_project"): (_, _, _, _, _, _, _, Y),
    ("funding.offer_help", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("funding.create_pool", "sponsor_org"): (_, _, _, _, _, _, Y, Y),
    ("funding.create_pool", "organisation"): (_, _, _, _, _, _, _, Y),
    ("funding.manage_pool", "pool"): (_, _, _, _, _, _, Y, Y),
    ("funding.support_project", "sponsor_org"): (_, _, _, _, _, _, Y, Y),
    ("funding.support_project", "organisation"): (_, _, _, _, _, _, _, Y),
}


def _offline(project, contributor):
    return Contribution.objects.create(project=project, contributor=contributor, amount_cents=1_000,
                                       idempotency_key=uuid.uuid4().hex, provider="offline",
                                       status=Contribution.Status.PENDING)


@pytest.fixture
def objects(territory, other_territory, organisation, sponsor_organisation, resident, other_resident,
            platform_admin, moderator):
    published = ProjectFactory(live=True, territory=territory, organisation=organisation, holder=other_resident)
    contribution = _offline(published, resident)
    moderators_association = MembershipFactory(user=moderator, organisation__territory=territory).organisation
    ending = ProjectFactory(live=True, territory=territory, holder=other_resident,
                            deadline=timezone.now() + timedelta(hours=23))
    submitted = {"territory": territory, "status": Project.Status.SUBMITTED}
    return {
        "moderator_draft": ProjectFactory(holder=moderator, **submitted),
        "moderator_org_draft": ProjectFactory(holder=other_resident, organisation=moderators_association, **submitted),
        "admin_draft": ProjectFactory(holder=platform_admin, **submitted),
        "moderator_contribution": _offline(published, moderator),
        "admin_contribution": _offline(published, platform_admin),
        "to_moderator_project": _offline(ProjectFactory(live=True, territory=territory, holder=moderator), resident),
        "to_moderator_org_project": _offline(ProjectFactory(live=True, territory=territory, holder=other_resident,
                                                            organisation=moderators_association), resident),
        "late_contribution": _offline(ending, resident),
        None: None,
        "published": published,
        "own_draft": ProjectFactory(territory=territory, holder=resident),
        "submitted": ProjectFactory(holder=other_resident, **submitted),
        "org_draft": ProjectFactory(territory=territory, organisation=organisation, holder=other_resident),
        "elsewhere_draft": ProjectFactory(territory=other_territory, holder=other_resident),
        "resident_contribution": contribution,
        "pool": funded_pool(sponsor=sponsor_organisation, actor=platform_admin, territory=territory,
                            initial_cents=0),
        "organisation": organisation,
        "sponsor_org": sponsor_organisation,
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"funding"}))


@pytest.mark.django_db
def test_a_published_project_stays_visible_after_its_campaign(objects, visitor):
    project = objects["published"]
    for status in (Project.Status.SUCCEEDED, Project.Status.FAILED):
        project.status = status
        assert visitor.has_perm("funding.view_project", project)
    for status in (Project.Status.SUBMITTED, Project.Status.CHANGES_REQUESTED, Project.Status.REFUSED):
        project.status = status
        assert not visitor.has_perm("funding.view_project", project)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["contributor", "someone_else", "platform_admin"])
@pytest.mark.parametrize("hours_left", [30 * 24, 23])
def test_cancel_contribution_says_what_the_service_does(who, hours_left, resident, other_resident, platform_admin,
                                                        territory):
    # Given an offline pledge to a campaign ending in `hours_left` hours
    from alleger.funding.services.contributions import contribution_cancel

    project = ProjectFactory(live=True, territory=territory, deadline=timezone.now() + timedelta(hours=hours_left))
    contribution = pledge(project, resident, 1_000, provider="offline")
    actor = {"contributor": resident, "someone_else": other_resident, "platform_admin": platform_admin}[who]
    # When the permission is asked, then the service is called
    allowed = actor.has_perm("funding.cancel_contribution", contribution)
    try:
        contribution_cancel(contribution=contribution, actor=actor)
        done = True
    except Refused:
        done = False
    # Then both say the same: only the contributor, only until 24 h before the deadline
    assert allowed == done == (who == "contributor" and hours_left > 24)
