"""Organisations: create, edit, members (add, role, remove), list — through the views."""

import pytest
from django.contrib.messages import get_messages
from django.utils.text import slugify

from alleger.core.models import AuditEvent
from alleger.organisations.models import Invitation, Membership, Organisation
from alleger.testing.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LAST_ADMIN = "Une organisation garde au moins une personne à son administration."


def _state(organisation):
    """What a refused action must leave untouched."""
    return {
        "organisation": Organisation.objects.values().get(pk=organisation.pk),
        "members": sorted(Membership.objects.filter(organisation=organisation).values_list("user_id", "role")),
        "audit": AuditEvent.objects.count(),
    }


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- create -------------------------------------------------------------------


def test_it_creates_an_organisation_with_its_creator_as_admin(client, resident, territory):
    client.force_login(resident)
    response = client.post("/organisations/nouvelle/", {
        "name": "Vélo Solidaire", "kind": "association", "territory": territory.pk,
        "website": "https://velo.example.org", "description": "Un **atelier** vélo.",
    })
    organisation = Organisation.objects.get(name="Vélo Solidaire")
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{organisation.slug}/"
    assert organisation.slug == "velo-solidaire"
    assert (organisation.kind, organisation.territory) == ("association", territory)
    assert list(organisation.memberships.values_list("user", "role")) == [(resident.pk, "admin")]
    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.actor, event.target_id) == (resident, str(organisation.pk))


def test_it_gives_a_new_organisation_a_unique_slug(client, resident):
    client.force_login(resident)
    # Two names alike in their first 70 characters, which the slug keeps
    long = "Association des habitants et des commerçants du quartier Jacquard pour le vélo"
    for end in (" solidaire", " partagé"):
        client.post("/organisations/nouvelle/", {"name": long + end, "kind": "collective"})
    base = slugify(long)[:70]
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [base, f"{base}-2"]


def test_it_refuses_an_invalid_organisation(client, resident):
    client.force_login(resident)
    response = client.post("/organisations/nouvelle/", {"name": "", "kind": "sect"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "kind"}
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_creating_requires_an_account(client):
    response = client.post("/organisations/nouvelle/", {"name": "Fantôme", "kind": "collective"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not Organisation.objects.exists()


# --- edit ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["org_admin", "platform_admin"])
def test_it_lets_admins_edit(client, request, organisation, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get(f"/organisations/{organisation.slug}/modifier/").status_code == 200
    response = client.post(f"/organisations/{organisation.slug}/modifier/", {
        "name": "Le Café d'à Côté (nouveau)", "kind": "collective", "description": "Nouveau texte.",
    })
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.name, organisation.kind, organisation.description) == (
        "Le Café d'à Côté (nouveau)", "collective", "Nouveau texte.")
    assert AuditEvent.objects.filter(action="organisation.update", actor=user).count() == 1


@pytest.mark.parametrize("role", ["resident", "org_member", "moderator", "cell_member", "sponsor"])
def test_it_refuses_edits_from_others(client, request, organisation, org_admin, role):
    client.force_login(request.getfixturevalue(role))
    before = _state(organisation)
    assert client.get(f"/organisations/{organisation.slug}/modifier/").status_code == 403
    response = client.post(f"/organisations/{organisation.slug}/modifier/", {"name": "Piraté", "kind": "company"})
    assert response.status_code == 403
    assert _state(organisation) == before


def test_it_sends_visitors_to_login_instead_of_editing(client, organisation):
    before = _state(organisation)
    response = client.post(f"/organisations/{organisation.slug}/modifier/", {"name": "Piraté", "kind": "company"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _state(organisation) == before


def test_editing_an_unknown_organisation_is_404(client, platform_admin):
    client.force_login(platform_admin)
    assert client.get("/organisations/nexiste-pas/modifier/").status_code == 404


# --- members ------------------------------------------------------------------


def _invite(client, organisation, email, role="member"):
    return client.post(f"/organisations/{organisation.slug}/membres/", {"email": email, "role": role})


def test_an_invited_person_becomes_a_member_only_by_accepting(
        client, org_admin, organisation, resident, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(org_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, organisation, "  CLEMENCE@example.org ")
    assert response.status_code == 302
    # Not a member yet: nobody is shown in an organisation they never agreed to join
    assert not Membership.objects.filter(organisation=organisation, user=resident).exists()
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.status) == ("clemence@example.org", "pending")
    assert "clemence@example.org" in client.get(f"/organisations/{organisation.slug}/membres/").content.decode()
    mail = mailoutbox[-1]
    assert mail.to == ["clemence@example.org"] and organisation.name in mail.subject
    assert invitation.get_absolute_url() in mail.body

    client.force_login(resident)
    page = client.get(invitation.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "Accepter l'invitation" in page
    response = client.post(invitation.get_absolute_url(), {"decision": "accept"})
    assert response.status_code == 302 and response["Location"] == organisation.get_absolute_url()
    assert [str(m) for m in client.get(response["Location"]).context["messages"]] == [
        "Vous êtes membre du Café d'à Côté."]  # « de » and « Le » contract
    assert Membership.objects.get(organisation=organisation, user=resident).role == "member"
    assert AuditEvent.objects.filter(action="organisation.member_join", actor=resident).count() == 1
    # Once answered, the link decides nothing more
    assert client.post(invitation.get_absolute_url(), {"decision": "decline"}).status_code == 302
    assert Membership.objects.filter(organisation=organisation, user=resident).exists()


def test_an_invitation_cannot_be_taken_by_another_account(client, org_admin, organisation, resident,
                                                          other_resident):
    client.force_login(org_admin)
    _invite(client, organisation, resident.email)
    invitation = Invitation.objects.get()
    client.force_login(other_resident)
    page = client.get(invitation.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "adressée à une autre adresse" in page and "Accepter l'invitation" not in page
    client.post(invitation.get_absolute_url(), {"decision": "accept"})
    assert not Membership.objects.filter(organisation=organisation, user=other_resident).exists()
    assert Invitation.objects.get().status == "pending"


def test_declining_joins_nothing(client, org_admin, organisation, resident):
    client.force_login(org_admin)
    _invite(client, organisation, resident.email)
    invitation = Invitation.objects.get()
    client.force_login(resident)
    client.post(invitation.get_absolute_url(), {"decision": "decline"})
    assert Invitation.objects.get().status == "declined"
    assert not Membership.objects.filter(organisation=organisation, user=resident).exists()


def test_inviting_says_the_same_whether_an_account_uses_the_address_or_not(client, org_admin, organisation,
                                                                           resident):
    # The member form no longer tells who has an account (sign-up and password reset do not either)
    client.force_login(org_admin)
    answers = [_invite(client, organisation, email) for email in (resident.email, "inconnu@example.org")]
    assert [a.status_code for a in answers] == [302, 302]
    flashes = [m.message for m in client.get(f"/organisations/{organisation.slug}/membres/").context["messages"]]
    assert flashes == ["Invitation envoyée à clemence@example.org : la personne devient membre quand elle l'accepte.",
                       "Invitation envoyée à inconnu@example.org : la personne devient membre quand elle l'accepte."]


def test_it_refuses_to_invite_a_member_or_an_address_already_invited(client, org_admin, org_member,
                                                                      organisation):
    client.force_login(org_admin)
    before = _state(organisation)
    response = _invite(client, organisation, org_member.email, role="admin")
    assert response.status_code == 200 and response.context["form"].errors["email"]
    assert _state(organisation) == before
    _invite(client, organisation, "nouvelle@example.org")
    response = _invite(client, organisation, "Nouvelle@example.org")
    assert "déjà invitée" in str(response.context["form"].errors["email"])
    assert Invitation.objects.count() == 1


def test_a_member_can_leave_but_not_the_last_admin(client, org_admin, org_member, organisation):
    client.force_login(org_member)
    page = client.get(organisation.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "Quitter l'organisation" in page
    client.post(f"/organisations/{organisation.slug}/quitter/")
    assert not Membership.objects.filter(organisation=organisation, user=org_member).exists()
    client.force_login(org_admin)
    response = client.post(f"/organisations/{organisation.slug}/quitter/", follow=True)
    assert "seule personne à l'administrer" in response.content.decode().replace("&#x27;", "'")
    assert Membership.objects.filter(organisation=organisation, user=org_admin).exists()


def test_it_changes_a_role(client, org_admin, org_member, organisation):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_member)
    response = client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/role/", {"role": "admin"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "admin"
    assert AuditEvent.objects.filter(action="organisation.member_role").count() == 1


def test_it_removes_a_member(client, org_admin, org_member, organisation):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_member)
    response = client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/retirer/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="organisation.member_remove").count() == 1


def test_an_admin_may_step_down_when_another_admin_remains(client, org_admin, org_member, organisation):
    Membership.objects.filter(user=org_member).update(role="admin")
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)
    client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/role/", {"role": "member"})
    membership.refresh_from_db()
    assert membership.role == "member"


def test_it_refuses_to_remove_the_last_admin(client, org_admin, org_member, organisation):
    client.force_login(org_admin)
    before = _state(organisation)
    membership = Membership.objects.get(user=org_admin)
    response = client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/retirer/")
    assert response.status_code == 302
    assert _messages(response) == [LAST_ADMIN]
    assert _state(organisation) == before


def test_it_refuses_to_demote_the_last_admin(client, org_admin, org_member, organisation):
    client.force_login(org_admin)
    before = _state(organisation)
    membership = Membership.objects.get(user=org_admin)
    response = client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/role/", {"role": "member"})
    assert response.status_code == 302
    assert _messages(response) == [LAST_ADMIN]
    assert _state(organisation) == before


def test_the_refusal_is_shown_on_the_members_page(client, org_admin, organisation):
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)
    response = client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/retirer/", follow=True)
    assert LAST_ADMIN in response.content.decode()


def test_a_platform_admin_also_cannot_remove_the_last_admin(client, platform_admin, org_admin, organisation):
    client.force_login(platform_admin)
    before = _state(organisation)
    membership = Membership.objects.get(user=org_admin)
    client.post(f"/organisations/{organisation.slug}/membres/{membership.pk}/retirer/")
    assert _state(organisation) == before


@pytest.mark.parametrize("role", ["resident", "org_member", "sponsor", "moderator"])
def test_it_refuses_member_management_to_others(client, request, organisation, org_admin, org_member, role):
    client.force_login(request.getfixturevalue(role))
    before = _state(organisation)
    membership = Membership.objects.get(user=org_member)
    base = f"/organisations/{organisation.slug}/membres/"
    assert client.get(base).status_code == 403
    assert client.post(base, {"email": "outsider@example.org", "role": "admin"}).status_code == 403
    assert client.post(f"{base}{membership.pk}/role/", {"role": "admin"}).status_code == 403
    assert client.post(f"{base}{membership.pk}/retirer/").status_code == 403
    assert _state(organisation) == before


def test_it_refuses_a_membership_of_another_organisation(client, org_admin, organisation):
    # Given an admin of one organisation and a membership in another
    other = MembershipFactory(organisation=OrganisationFactory(), role="member")
    client.force_login(org_admin)
    # Then they cannot reach it through their own organisation's URL
    url = f"/organisations/{organisation.slug}/membres/{other.pk}/retirer/"
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


# --- list and detail --------------------------------------------------------------


def test_the_list_filters_by_type(client, organisation):
    OrganisationFactory(name="La Ferme du Pilat", kind="company")
    OrganisationFactory(name="Ville de Saint-Étienne", kind="public_body")
    response = client.get("/organisations/?type=company")
    assert [o.name for o in response.context["organisations"]] == ["La Ferme du Pilat"]
    response = client.get("/organisations/")
    assert len(response.context["organisations"]) == 3
    # An unknown type shows everything rather than failing
    response = client.get("/organisations/?type=secte")
    assert response.status_code == 200
    assert len(response.context["organisations"]) == 3


def test_the_detail_page_shows_members_and_sanitised_description(client, organisation, org_admin, org_member):
    organisation.description = "Un **café** <script>alert(1)</script>"
    organisation.save()
    response = client.get(f"/organisations/{organisation.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<strong>café</strong>" in body and "<script>alert(1)" not in body
    assert "Clément" in body and "Alexis" in body
    assert "/modifier/" not in body  # visitors do not see the management links
    client.force_login(org_admin)
    assert "/modifier/" in client.get(f"/organisations/{organisation.slug}/").content.decode()


def test_an_unknown_organisation_is_404(client):
    assert client.get("/organisations/nexiste-pas/").status_code == 404


# --- verification ---------------------------------------------------------------


def test_a_name_that_reads_like_an_existing_organisation_s_is_refused(client, resident, organisation):
    # « LE CAFÉ D'A COTE » is « Le Café d'à Côté »: nobody passes for an organisation by its name
    client.force_login(resident)
    for name in ("  LE CAFÉ D'A COTE ", "Cafe d'a cote"):  # the leading article tells nothing apart either
        response = client.post("/organisations/nouvelle/", {"name": name, "kind": "public_body"})
        assert response.status_code == 400
        assert "Une organisation porte déjà ce nom" in response.content.decode().replace("&#x27;", "'")
    assert Organisation.objects.count() == 1


def test_a_new_organisation_says_it_is_not_verified_until_a_moderator_verifies_it(
        client, resident, moderator, territory):
    client.force_login(resident)
    client.post("/organisations/nouvelle/", {"name": "Ville de Nulle-Part", "kind": "public_body",
                                             "territory": territory.pk})
    fake = Organisation.objects.get(name="Ville de Nulle-Part")
    page = client.get(fake.get_absolute_url()).content.decode().replace("&#x27;", "'")
    assert "non vérifiée" in page and "Identité non vérifiée" in page
    assert "Marquer l'identité comme vérifiée" not in page  # not for its own creator
    assert client.post(f"/organisations/{fake.slug}/verifier/", {"verified": "yes"}).status_code == 403

    client.force_login(moderator)
    assert "Marquer l'identité comme vérifiée" in client.get(fake.get_absolute_url()).content.decode().replace(
        "&#x27;", "'")
    client.post(f"/organisations/{fake.slug}/verifier/", {"verified": "yes"})
    fake.refresh_from_db()
    assert fake.verified_at is not None and fake.verified_by == moderator
    assert "✓ vérifiée" in client.get("/organisations/").content.decode()
    assert AuditEvent.objects.filter(action="organisation.verify", actor=moderator).count() == 1

    # What was verified is a name: renamed, it is checked again
    client.force_login(resident)
    assert "en changer retire la vérification" in client.get(f"/organisations/{fake.slug}/modifier/").content.decode()
    response = client.post(f"/organisations/{fake.slug}/modifier/", {"name": "Ville de Partout", "kind": "public_body",
                                                                    "territory": territory.pk}, follow=True)
    fake.refresh_from_db()
    assert (fake.name, fake.verified_at) == ("Ville de Partout", None)
    assert any("n'est plus marquée comme vérifiée" in str(m) for m in response.context["messages"])


def test_a_moderator_does_not_verify_an_organisation_she_belongs_to(client, moderator, organisation):
    MembershipFactory(organisation=organisation, user=moderator)
    client.force_login(moderator)
    assert client.post(f"/organisations/{organisation.slug}/verifier/", {"verified": "yes"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.verified_at is None
