"""The demo challenge, the challenges list and the open-data page in Chromium: the responses and the
indicator chart with its table, axe-core clean, no CSP violation, no sideways scroll at 390 px."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.test_csp import Watched
from tests.browser.test_phones import DESKTOP, MEASURE, PHONE, demo  # noqa: F401 — demo is a fixture

pytestmark = [pytest.mark.browser]

#: Set to a folder to keep screenshots of the pages (to look at them).
SHOTS = os.environ.get("ALLEGER_SCREENSHOTS")


def _challenge():
    from alleger.cell.models import Challenge

    return Challenge.objects.get(title__startswith="Quartier des Prés")


def test_the_demo_challenge_shows_its_responses_and_its_chart(new_context, live_server, demo, check_axe):  # noqa: F811
    challenge = _challenge()
    context = new_context(**PHONE)
    watched = Watched(context.new_page(), live_server.url)
    watched.open(challenge.get_absolute_url())
    page = watched.page
    expect(page.get_by_role("heading", level=1)).to_have_text(challenge.title)
    responses = page.locator("#reponses li.response")
    assert responses.count() >= 5
    expect(page.locator("#reponses")).to_contain_text("Déchets à partager !")
    chart = page.locator("#indicateurs svg.chart-svg")
    expect(chart).to_have_attribute("role", "img")
    assert page.locator("#indicateurs svg.chart-svg > title").text_content() == "Biodéchets compostés (kg)"
    page.locator("#indicateurs details.chart-figures summary").click()
    table = page.locator("#indicateurs details.chart-figures table")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("Crêt de Roch")
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= 390 and width["inner"] <= 390, width
    check_axe(page)
    watched.assert_clean()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1366"])
@pytest.mark.parametrize("which", ["list", "challenge", "opendata"])
def test_the_pages_are_accessible(new_context, live_server, demo, check_axe, size, which):  # noqa: F811
    challenge = _challenge()
    path = {"list": "/cellule/saint-etienne/defis/", "challenge": challenge.get_absolute_url(),
            "opendata": "/cellule/saint-etienne/donnees/"}[which]
    context = new_context(**size)
    watched = Watched(context.new_page(), live_server.url)
    watched.open(path)
    page = watched.page
    screen = size["viewport"]["width"]
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= screen and width["inner"] <= screen, width
    check_axe(page)
    watched.assert_clean()
    if which == "opendata":
        expect(page.locator("table")).to_contain_text("projets.csv")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{which}-{screen}.png"), full_page=True)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1366"])
def test_the_workshop_form_and_the_hall_s_coming_workshop_are_accessible(new_context, live_server, demo,  # noqa: F811
                                                                          check_axe, size):
    from alleger.places.models import Place
    from alleger.testing.browser import log_in

    challenge = _challenge()
    hall = Place.objects.get(name="Salle des fêtes de Jacquard")
    context = new_context(**size)
    watched = Watched(context.new_page(), live_server.url)
    watched.open(hall.get_absolute_url())
    page = watched.page
    section = page.locator("section#defis")
    expect(section).to_contain_text("Ateliers à venir dans ce lieu")
    expect(section.get_by_role("link", name=f"un atelier du défi « {challenge.title} »")).to_be_visible()
    check_axe(page)

    log_in(context, live_server, demo["users"]["remi"])
    watched.open(f"/cellule/saint-etienne/defis/{challenge.pk}/ateliers/nouveau/")
    expect(page.get_by_label("Salle d'un lieu partagé")).to_contain_text("Grande salle (Salle des fêtes de Jacquard)")
    page.get_by_role("button", name="Ajouter l'atelier").click()  # nothing filled in: the errors, accessibly
    expect(page.locator(".error-summary")).to_contain_text("Choisissez une salle d'un lieu partagé ou dites où")
    screen = size["viewport"]["width"]
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= screen, width
    check_axe(page)
    watched.assert_clean()
