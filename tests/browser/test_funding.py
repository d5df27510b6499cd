"""Crowdfunding in the browser: a resident backs a project with a reward, the holder posts an update,
and axe-core finds nothing serious on the listing, the project page and the contribution page."""

import re

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import log_in as _log_in
from alleger.testing.browser import open_page as _open

pytestmark = [pytest.mark.browser]



@pytest.fixture
def holder(transactional_db):
    from alleger.testing.factories import UserFactory

    return UserFactory(email="alexis@example.org", display_name="Alexis")


@pytest.fixture
def project(territory, holder):
    from alleger.testing.funding_factories import (
        NeedFactory,
        ProjectFactory,
        RewardFactory,
        StretchGoalFactory,
        ThemeFactory,
    )

    project = ProjectFactory(live=True, territory=territory, holder=holder, title="Le Café d'à Côté",
                             slug="cafe", goal_cents=600_000, lat=45.75, lon=4.82)
    project.themes.add(ThemeFactory(territory=territory, name="Alimentation", slug="alimentation", featured=True))
    RewardFactory(project=project, title="Un café équitable", min_amount_cents=500, quantity=None)
    RewardFactory(project=project, title="Un repas à la soirée de lancement", min_amount_cents=1_000, quantity=5)
    StretchGoalFactory(project=project, amount_cents=900_000, title="Un four pour la cuisine partagée")
    NeedFactory(project=project, title="Des bras pour l'aménagement")
    return project


def test_a_resident_backs_a_project_with_a_reward(page, context, live_server, member, project, check_axe):
    from alleger.funding.models import Contribution

    _log_in(context, live_server, member)
    base = live_server.url

    # The listing: a card with its progress, and the map's list alternative.
    _open(page, base + "/projets/")
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Projets")
    expect(main.locator(".map-list").get_by_role("link", name="Le Café d'à Côté")).to_be_visible()
    page.locator("#projects-map.leaflet-container").wait_for()
    check_axe(page)

    # The project page.
    main.locator(".cards").get_by_role("link", name="Le Café d'à Côté").click()
    expect(page).to_have_url(base + "/projets/cafe/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le Café d'à Côté")
    check_axe(page)

    # Choose the meal: the contribution page opens with that reward selected.
    page.get_by_role("link", name=re.compile("Choisir cette contrepartie : Un repas")).click()
    expect(page).to_have_url(re.compile(r"/projets/cafe/contribuer/\?reward=\d+$"))
    meal = page.get_by_role("radio", name=re.compile("Un repas à la soirée de lancement"))
    expect(meal).to_be_checked()
    expect(page.get_by_label("Montant (en euros)")).to_have_value("10")
    check_axe(page)

    # Below the reward's minimum: the error summary, accessible too; nothing is created.
    page.get_by_label("Montant (en euros)").fill("5")
    page.get_by_role("button", name="Confirmer ma contribution").click()
    expect(page.locator(".error-summary")).to_contain_text("Cette contrepartie demande au moins 10")
    check_axe(page)
    assert not Contribution.objects.exists()

    page.get_by_label("Montant (en euros)").fill("15,50")
    page.get_by_label("Message au porteur du projet").fill("Vivement l'ouverture !")
    page.get_by_role("button", name="Confirmer ma contribution").click()

    # Their page lists it.
    expect(page).to_have_url(re.compile(r"/contributions/#contribution-\d+$"))
    expect(page.locator(".messages")).to_contain_text("Merci !")
    entry = page.locator("main li.boxed").first
    expect(entry).to_contain_text("Le Café d'à Côté")
    expect(entry).to_contain_text("15,50")
    expect(entry).to_contain_text("Un repas à la soirée de lancement")
    expect(entry.get_by_role("button", name=re.compile("Annuler cette contribution"))).to_be_visible()
    check_axe(page)
    contribution = Contribution.objects.get()
    assert (contribution.contributor, contribution.amount_cents, contribution.reward.title) == (
        member, 1550, "Un repas à la soirée de lancement")


def test_the_holder_posts_an_update(page, context, live_server, holder, project, member, check_axe, mailoutbox):
    from alleger.testing.funding_factories import pledge

    pledge(project, member, 2_000)
    _log_in(context, live_server, holder)
    _open(page, f"{live_server.url}/projets/cafe/")
    page.get_by_role("link", name="Gérer le projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gérer « Le Café d'à Côté »")
    expect(page.get_by_role("table", name=re.compile("contribution"))).to_contain_text("Martha")
    check_axe(page)

    page.get_by_label("Titre de la nouvelle").fill("Les travaux commencent")
    page.get_by_label("Texte").fill("Rendez-vous **samedi** pour la peinture.")
    page.get_by_role("button", name="Publier la nouvelle").click()
    expect(page.locator(".messages")).to_contain_text("Nouvelle publiée")

    _open(page, f"{live_server.url}/projets/cafe/")
    update = page.locator("#nouvelles").locator("..").get_by_role("article")
    expect(update.get_by_role("heading", name="Les travaux commencent")).to_be_visible()
    expect(update.locator("strong")).to_have_text("samedi")
    assert any("Les travaux commencent" in m.body or "Les travaux commencent" in m.subject for m in mailoutbox)


def test_the_listing_and_the_project_work_without_javascript(new_context, live_server, project):
    page = new_context(java_script_enabled=False).new_page()
    _open(page, f"{live_server.url}/projets/?territoire=villeclaire&theme=alimentation")
    # No map canvas without JavaScript: the list alternative carries the same links.
    expect(page.locator(".map-list").get_by_role("link", name="Le Café d'à Côté")).to_be_visible()
    page.locator(".map-list").get_by_role("link", name="Le Café d'à Côté").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Le Café d'à Côté")
    expect(page.locator("progress")).to_have_attribute("value", "0")
    expect(page.locator("aside")).to_contain_text("0 contributeur")


def test_the_other_funding_pages_are_axe_clean(page, context, live_server, territory, project, holder, member,
                                               check_axe):
    """The holder's, the moderator's and the sponsor's pages, with data in every section."""
    from alleger.funding.models import Offer
    from alleger.organisations.models import Membership, Organisation
    from alleger.territories.models import TerritoryRole
    from alleger.testing.funding_factories import CallFactory, ProjectFactory, funded_pool, pledge

    foundation = Organisation.objects.create(name="Fondation", slug="fondation", kind="association", is_sponsor=True)
    Membership.objects.create(organisation=foundation, user=holder, role=Membership.Role.ADMIN)
    TerritoryRole.objects.create(territory=territory, user=holder, role=TerritoryRole.Role.MODERATOR)
    pool = funded_pool(sponsor=foundation, actor=holder, territory=territory, name="Fonds de la fondation")
    CallFactory(territory=territory, title="Quartiers d'hiver", slug="hiver", pool=pool)
    ProjectFactory(territory=territory, holder=member, title="Bancs", status="submitted")
    reward = project.rewards.last()
    pledge(project, member, 2_000, reward=reward, message="Bravo")
    pledge(project, member, 3_000, provider="offline", anonymous=True)
    Offer.objects.create(need=project.needs.get(), author=member, message="Je viens samedi.")
    _log_in(context, live_server, holder)
    for path in ("/t/villeclaire/", "/t/villeclaire/appels/hiver/", "/projets/cafe/gerer/", "/projets/cafe/modifier/",
                 "/t/villeclaire/moderation/projets/", "/t/villeclaire/moderation/paiements/", "/mecenat/",
                 "/projets/cafe/"):
        _open(page, live_server.url + path)
        check_axe(page)
    context.clear_cookies()
    _log_in(context, live_server, member)
    _open(page, live_server.url + "/contributions/")
    check_axe(page)
    _open(page, live_server.url + "/projets/nouveau/")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check_axe(page)


def test_the_listing_filters_in_place_with_htmx(page, live_server, project):
    _open(page, f"{live_server.url}/projets/")
    results = page.locator("#resultats-projets")
    expect(results.get_by_role("heading", name="1 projet")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("État").select_option("succeeded")

    expect(page).to_have_url(re.compile(r"statut=succeeded"))
    expect(results.get_by_role("heading", name="0 projet")).to_be_visible()
    # The results were swapped in place: no navigation happened.
    assert page.evaluate("window.stillTheSamePage") is True
