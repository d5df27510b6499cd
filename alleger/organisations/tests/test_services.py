"""Organisation services, called directly (as the API and later tracks do)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from alleger.organisations import services
from alleger.organisations.models import Membership, Organisation
from alleger.testing.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.mark.django_db
def test_it_refuses_an_unknown_kind(resident):
    with pytest.raises(ValidationError):
        services.organisation_create(creator=resident, name="X", kind="secte")
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.django_db
def test_a_membership_is_unique_per_person_and_organisation(organisation, org_member):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(organisation=organisation, user=org_member, role="admin")


@pytest.mark.django_db
def test_removing_a_plain_member_never_needs_another_admin(organisation, org_member):
    # Given an organisation whose only member is a plain member (its admin left with their account)
    membership = Membership.objects.get(user=org_member)
    services.membership_remove(membership=membership, actor=org_member)
    assert not Membership.objects.filter(pk=membership.pk).exists()


@pytest.mark.django_db
def test_promoting_someone_is_always_allowed(organisation, org_admin, org_member):
    membership = Membership.objects.get(user=org_member)
    services.membership_set_role(membership=membership, role="admin", actor=org_admin)
    assert organisation.memberships.filter(role="admin").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_other_at_once_leave_one_admin(monkeypatch):
    # Hold the window between "another admin exists" and the delete open, so
    # that without the organisation lock both removals would pass the check.
    check = services._ensure_other_admin

    def slow_check(organisation, leaving):
        check(organisation, leaving)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_ensure_other_admin", slow_check)
    # Given an organisation with exactly two admins
    organisation = OrganisationFactory()
    first = MembershipFactory(organisation=organisation, user=UserFactory(), role=Membership.Role.ADMIN)
    second = MembershipFactory(organisation=organisation, user=UserFactory(), role=Membership.Role.ADMIN)
    start = threading.Barrier(2, timeout=10)
    outcomes = {}

    def remove(name, membership, actor):
        try:
            start.wait()
            services.membership_remove(membership=membership, actor=actor)
            outcomes[name] = "removed"
        except ValidationError:
            outcomes[name] = "refused"
        except Exception as exc:  # surfaced by the assertion below
            outcomes[name] = repr(exc)
        finally:
            connection.close()

    # When each, in their own thread, removes the other at the same moment
    threads = [
        threading.Thread(target=remove, args=("first removes second", second, first.user)),
        threading.Thread(target=remove, args=("second removes first", first, second.user)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then exactly one removal went through and the organisation keeps one admin
    assert sorted(outcomes.values()) == ["refused", "removed"], outcomes
    assert organisation.memberships.filter(role=Membership.Role.ADMIN).count() == 1
