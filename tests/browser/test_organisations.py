"""Organisations act as themselves: a local SME backs a project in its own name, asks to become a sponsor of
the territory, and a moderator accepts; axe-core finds nothing serious on the pages involved."""

import re

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import log_in as _log_in
from alleger.testing.browser import open_page as _open

pytestmark = [pytest.mark.browser]



def test_an_sme_backs_a_project_as_itself_and_becomes_a_sponsor(page, context, new_context, live_server, territory,
                                                                member, check_axe):
    from alleger.funding.models import Contribution
    from alleger.organisations.models import Organisation, SponsorshipRequest
    from alleger.organisations.services import organisation_create
    from alleger.testing.factories import TerritoryRoleFactory, UserFactory
    from alleger.testing.funding_factories import ProjectFactory

    sme = organisation_create(creator=member, name="Menuiserie Rivière", kind=Organisation.Kind.COMPANY,
                              territory=territory)
    project = ProjectFactory(live=True, territory=territory, title="Le Jardin partagé", slug="jardin",
                             goal_cents=600_000, lat=45.75, lon=4.82)
    _log_in(context, live_server, member)
    base = live_server.url

    # The SME gives 300 € in its own name; Martha pays.
    _open(page, base + "/projets/jardin/contribuer/")
    page.get_by_label("Contribuer au nom de").select_option(label="Menuiserie Rivière")
    page.get_by_label("Montant (en euros)").fill("300")
    check_axe(page)
    page.get_by_role("button", name="Confirmer ma contribution").click()
    expect(page).to_have_url(re.compile(r"/contributions/#contribution-\d+$"))
    contribution = Contribution.objects.get()
    assert (contribution.organisation, contribution.contributor, contribution.amount_cents) == (sme, member, 30_000)

    # The project's backers show the SME, linked to its page.
    _open(page, base + project.get_absolute_url())
    page.get_by_role("link", name="Menuiserie Rivière").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Menuiserie Rivière")
    expect(page.locator("main")).to_contain_text("payé par Martha")

    # It asks to become a sponsor of the territory.
    page.get_by_role("link", name="Devenir mécène d'un territoire").click()
    check_axe(page)
    page.get_by_label("Territoire").select_option(label=territory.name)
    page.get_by_label("Ce que l'organisation propose").fill("Nous abondons un fonds et prêtons une remorque.")
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page.locator(".messages")).to_contain_text("Demande envoyée")
    assert SponsorshipRequest.objects.get().status == "pending"

    # A moderator of the territory accepts it.
    moderator = TerritoryRoleFactory(territory=territory, user=UserFactory(display_name="Rémi")).user
    other = new_context()
    _log_in(other, live_server, moderator)
    moderation = other.new_page()
    _open(moderation, base + "/organisations/mecenat/demandes/")
    expect(moderation.locator("main")).to_contain_text("Nous abondons un fonds")
    check_axe(moderation)
    moderation.get_by_label("Accepter").check()
    moderation.get_by_role("button", name="Décider").click()
    expect(moderation.locator(".messages")).to_contain_text("Décision enregistrée")
    sme.refresh_from_db()
    assert sme.is_sponsor
