"""An organisation asks to become a sponsor of a territory; the territory's moderators decide (four eyes)."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alleger.core.models import AuditEvent
from alleger.organisations import services
from alleger.organisations.models import Membership, Organisation, SponsorshipRequest
from alleger.testing.factories import MembershipFactory, TerritoryRoleFactory, UserFactory


def _state():
    return (list(SponsorshipRequest.objects.order_by("pk").values_list("status", "decided_by", "reason")),
            list(Organisation.objects.order_by("pk").values_list("pk", "is_sponsor")),
            AuditEvent.objects.count())


@pytest.fixture
def asked(organisation, org_admin, territory):
    return services.sponsorship_request(organisation=organisation, territory=territory, actor=org_admin,
                                        message="Nous prêtons une remorque et abondons un fonds.")


@pytest.mark.django_db
def test_an_admin_asks_and_the_request_waits_audited(asked, organisation, org_admin):
    assert asked.status == SponsorshipRequest.Status.PENDING and asked.requested_by == org_admin
    assert AuditEvent.objects.filter(action="organisation.sponsorship_request").count() == 1
    organisation.refresh_from_db()
    assert not organisation.is_sponsor


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["org_member", "other_resident", "moderator"])
def test_only_an_admin_of_the_organisation_asks(request, who, organisation, territory):
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.sponsorship_request(organisation=organisation, territory=territory,
                                     actor=request.getfixturevalue(who), message="Bonjour")
    assert refused.value.code == "forbidden"
    assert _state() == before


@pytest.mark.django_db
def test_an_empty_message_or_a_second_pending_request_is_refused(asked, organisation, org_admin, territory):
    before = _state()
    with pytest.raises(ValidationError) as empty:
        services.sponsorship_request(organisation=organisation, territory=territory, actor=org_admin, message="  ")
    with pytest.raises(ValidationError) as twice:
        services.sponsorship_request(organisation=organisation, territory=territory, actor=org_admin, message="Encore")
    assert (empty.value.code, twice.value.code) == ("invalid", "already_pending")
    assert _state() == before


@pytest.mark.django_db
def test_a_moderator_accepts_the_organisation_becomes_a_sponsor_and_its_admins_are_told(
        asked, organisation, org_admin, org_member, moderator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.sponsorship_decide(request=asked, actor=moderator, accept=True)
    asked.refresh_from_db()
    organisation.refresh_from_db()
    assert asked.status == "accepted" and asked.decided_by == moderator and organisation.is_sponsor
    assert AuditEvent.objects.filter(action="organisation.sponsorship_accepted", actor=moderator).exists()
    assert [m.to for m in mail.outbox] == [[org_admin.email]]
    assert "mécène" in mail.outbox[0].body
    assert org_admin.has_perm("funding.create_pool", organisation)  # it may now fund matching pools


@pytest.mark.django_db
def test_a_refusal_needs_a_reason_and_sends_it(asked, organisation, org_admin, moderator,
                                               django_capture_on_commit_callbacks):
    before = _state()
    with pytest.raises(ValidationError) as no_reason:
        services.sponsorship_decide(request=asked, actor=moderator, accept=False, reason=" ")
    assert no_reason.value.code == "invalid" and _state() == before
    with django_capture_on_commit_callbacks(execute=True):
        services.sponsorship_decide(request=asked, actor=moderator, accept=False, reason="Hors du territoire.")
    organisation.refresh_from_db()
    assert not organisation.is_sponsor
    assert SponsorshipRequest.objects.get().status == "refused"
    assert "Hors du territoire." in mail.outbox[0].body


@pytest.mark.django_db
def test_a_moderator_who_belongs_to_the_organisation_cannot_decide_nor_can_the_platform_admin_member(
        asked, organisation, territory, platform_admin):
    insider = TerritoryRoleFactory(territory=territory, user=UserFactory()).user
    MembershipFactory(organisation=organisation, user=insider, role=Membership.Role.MEMBER)
    MembershipFactory(organisation=organisation, user=platform_admin, role=Membership.Role.MEMBER)
    before = _state()
    for actor in (insider, platform_admin):
        assert not actor.has_perm("organisations.decide_sponsorship", asked)
        with pytest.raises(ValidationError) as refused:
            services.sponsorship_decide(request=asked, actor=actor, accept=True)
        assert refused.value.code == "conflict_of_interest"
    assert _state() == before


@pytest.mark.django_db
def test_a_moderator_of_another_territory_cannot_decide_and_a_decision_is_final(
        asked, other_territory, moderator, organisation):
    stranger = TerritoryRoleFactory(territory=other_territory, user=UserFactory()).user
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.sponsorship_decide(request=asked, actor=stranger, accept=True)
    assert refused.value.code == "forbidden" and _state() == before
    services.sponsorship_decide(request=asked, actor=moderator, accept=True)
    before = _state()
    with pytest.raises(ValidationError) as again:
        services.sponsorship_decide(request=asked, actor=moderator, accept=False, reason="Finalement non")
    assert again.value.code == "already_decided" and _state() == before


# --- pages ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_asks_through_the_form_and_the_moderator_accepts_through_the_queue(
        client_of, organisation, org_admin, moderator, territory):
    url = reverse("organisations:sponsorship_request", args=[organisation.slug])
    page = client_of(org_admin).get(organisation.get_absolute_url())
    assert url in page.content.decode()
    response = client_of(org_admin).post(url, {"territory": territory.pk, "message": "Une remorque à prêter."})
    assert response.status_code == 302
    sponsorship = SponsorshipRequest.objects.get()
    queue = client_of(moderator).get(reverse("organisations:sponsorship_queue"))
    assert "Une remorque à prêter." in queue.content.decode()
    response = client_of(moderator).post(reverse("organisations:sponsorship_decide", args=[sponsorship.pk]),
                                         {f"r{sponsorship.pk}-accept": "1"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.is_sponsor


@pytest.mark.django_db
def test_an_empty_form_shows_errors_in_english_too(client_of, organisation, org_admin, territory):
    client = client_of(org_admin)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("organisations:sponsorship_request", args=[organisation.slug]),
                           {"territory": territory.pk, "message": ""})
    assert response.status_code == 200 and not SponsorshipRequest.objects.exists()
    assert "What the organisation offers" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["org_member", "other_resident"])
def test_the_request_page_is_for_admins_only(request, client_of, who, organisation):
    response = client_of(request.getfixturevalue(who)).get(
        reverse("organisations:sponsorship_request", args=[organisation.slug]))
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_queue_is_for_moderators_and_a_forbidden_decision_changes_nothing(
        client_of, asked, other_resident, org_admin):
    assert client_of(other_resident).get(reverse("organisations:sponsorship_queue")).status_code == 403
    before = _state()
    response = client_of(org_admin).post(reverse("organisations:sponsorship_decide", args=[asked.pk]),
                                         {f"r{asked.pk}-accept": "1"})
    assert response.status_code in (302, 403)
    assert _state() == before


@pytest.mark.django_db
def test_a_sponsor_may_ask_to_sponsor_another_territory_too(client, organisation, org_admin, other_territory):
    Organisation.objects.filter(pk=organisation.pk).update(is_sponsor=True)
    client.force_login(org_admin)
    page = client.get(reverse("organisations:detail", args=[organisation.slug])).content.decode()
    assert reverse("organisations:sponsorship_request", args=[organisation.slug]) in page
    assert "Devenir mécène d'un autre territoire" in page
    services.sponsorship_request(organisation=organisation, territory=other_territory, actor=org_admin,
                                 message="Nous abondons aussi ici.")
    assert organisation.sponsorship_requests.get().territory == other_territory
