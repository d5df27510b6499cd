"""A member pledges as their organisation: the organisation is the backer shown, the member pays."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from alleger.core.templatetags.alleger import euros
from alleger.funding.models import Contribution
from alleger.testing.money import contribute, money_snapshot, published_project, unique_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(territory, moderator):
    return published_project(territory=territory, moderator=moderator)


def test_an_admin_gives_as_the_organisation_who_pays_is_kept(project, organisation, org_admin, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contribution = contribute(project, org_admin, 2_500, organisation=organisation)
    stored = Contribution.objects.get(pk=contribution.pk)
    assert (stored.organisation_id, stored.contributor_id) == (organisation.pk, org_admin.pk)
    # The receipt, to the person who pays, says in whose name
    assert "au nom de l'organisation Le Café d'à Côté" in mailoutbox[-1].body


@pytest.mark.parametrize("who", ["org_member", "other_resident"])
def test_only_its_admins_give_in_its_name_and_a_refusal_changes_nothing(request, who, project, organisation):
    before = money_snapshot()
    with pytest.raises(ValidationError) as refused:
        contribute(project, request.getfixturevalue(who), 2_500, organisation=organisation)
    assert refused.value.code == "forbidden"
    assert money_snapshot() == before and not Contribution.objects.exists()


def test_the_same_key_for_another_backer_is_a_new_request_refused(project, organisation, org_admin):
    key = unique_key()
    contribute(project, org_admin, 2_500, key=key)
    before = money_snapshot()
    with pytest.raises(ValidationError) as refused:
        contribute(project, org_admin, 2_500, key=key, organisation=organisation)
    assert refused.value.code == "idempotency_key_reused" and money_snapshot() == before


def test_the_form_offers_the_organisation_the_backers_list_and_the_organisation_page_show_it(
        client_of, project, organisation, org_admin, org_member, other_resident):
    client = client_of(org_admin)
    form = client.get(reverse("funding:contribute", args=[project.slug])).content.decode()
    assert 'name="organisation"' in form and escape(organisation.name) in form
    response = client.post(reverse("funding:contribute", args=[project.slug]), {
        "amount": "25", "kind": "donation", "reward": "", "provider": "simulated_card",
        "card_number": "4242 4242 4242 4242", "idempotency_key": unique_key(), "organisation": organisation.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Contribution.objects.get().organisation == organisation
    mine = client.get(reverse("funding:my_contributions")).content.decode()
    assert "au nom du Café d&#x27;à Côté" in mine
    page = client_of(other_resident).get(project.get_absolute_url()).content.decode()
    assert f'<li><a href="{organisation.get_absolute_url()}">' in page
    members_view = client_of(org_member).get(organisation.get_absolute_url()).content.decode()
    assert project.get_absolute_url() in members_view and euros(2_500) in members_view
    assert escape(org_admin.public_name) in members_view  # who paid
    outsiders_view = client_of(other_resident).get(organisation.get_absolute_url()).content.decode()
    assert project.get_absolute_url() not in outsiders_view


def test_a_plain_member_is_not_offered_the_organisation_and_cannot_post_it(client_of, project, organisation,
                                                                           org_member):
    client = client_of(org_member)
    assert 'name="organisation"' not in client.get(reverse("funding:contribute", args=[project.slug])).content.decode()
    client.post(reverse("funding:contribute", args=[project.slug]), {
        "amount": "25", "kind": "donation", "reward": "", "provider": "simulated_card",
        "card_number": "4242 4242 4242 4242", "idempotency_key": unique_key(), "organisation": organisation.pk})
    assert not Contribution.objects.filter(organisation=organisation).exists()


# --- API ----------------------------------------------------------------------


def _post(client, project, body, key):
    return client.post(f"/api/v1/projects/{project.pk}/contributions", json.dumps(body),
                       content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_api_gives_as_the_organisation_and_says_so(client, project, organisation, org_admin):
    client.force_login(org_admin)
    response = _post(client, project, {"amount_cents": 2_500, "organisation_id": organisation.pk}, "org-1")
    assert response.status_code == 201, response.content
    assert response.json()["organisation_id"] == organisation.pk
    assert Contribution.objects.get().contributor == org_admin


@pytest.mark.parametrize(("who", "status", "code"), [("org_member", 403, "forbidden"),
                                                       ("other_resident", 403, "forbidden")])
def test_the_api_refuses_others_and_unknown_organisations_changing_nothing(
        request, client, project, organisation, who, status, code):
    client.force_login(request.getfixturevalue(who))
    before = money_snapshot()
    response = _post(client, project, {"amount_cents": 2_500, "organisation_id": organisation.pk}, "org-2")
    assert (response.status_code, response.json()["code"]) == (status, code)
    unknown = _post(client, project, {"amount_cents": 2_500, "organisation_id": 999_999}, "org-3")
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid"
    assert money_snapshot() == before


def test_the_openapi_documents_the_organisation_field(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "organisation_id" in schemas["ContributionIn"]["properties"]
    assert "organisation_id" in schemas["ContributionOut"]["properties"]


def test_the_holder_and_the_moderators_see_who_paid_and_for_which_organisation(
        client_of, project, organisation, org_admin, moderator, territory):
    contribute(project, org_admin, 2_500, organisation=organisation, provider="offline")
    for user, url in ((project.holder, reverse("funding:manage", args=[project.slug])),
                      (moderator, reverse("funding:offline_payments", args=[territory.slug]))):
        page = client_of(user).get(url).content.decode()
        assert escape(org_admin.public_name) in page and "au nom du Café d&#x27;à Côté" in page, url


def test_each_backer_is_named_once_the_latest_first_and_the_others_are_counted(
        client_of, project, organisation, org_admin, other_resident, settings):
    from alleger.funding import selectors
    from alleger.testing.factories import UserFactory

    # Twice as the organisation, twice as herself (the same person), once as another resident
    for as_organisation in (True, False, True, False):
        contribute(project, org_admin, 1_000, organisation=organisation if as_organisation else None)
    contribute(project, other_resident, 1_000)
    page = client_of(other_resident).get(project.get_absolute_url()).content.decode()
    section = page.split('id="contributeurs"', 1)[1].split("</section>", 1)[0]
    names = [escape(other_resident.public_name), escape(org_admin.public_name), escape(organisation.name)]
    assert [section.count(f">{name}<") for name in names] == [1, 1, 1]
    assert [section.index(f">{name}<") for name in names] == sorted(section.index(f">{n}<") for n in names)
    assert "autres soutiens" not in section
    # Past the names shown, the others are counted
    for _ in range(selectors.BACKERS_SHOWN):
        contribute(project, UserFactory(), 1_000)
    section = client_of(other_resident).get(project.get_absolute_url()).content.decode().split(
        'id="contributeurs"', 1)[1].split("</section>", 1)[0]
    assert section.count("<li>") == selectors.BACKERS_SHOWN
    assert "et 3 autres soutiens nommés" in section
