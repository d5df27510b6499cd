"""Phones (390 px): no page scrolls sideways, the menu folds behind a button that works with
and without JavaScript, and a project's funding box is on the first screen."""

import re

import pytest
from playwright.sync_api import expect

from alleger.testing.browser import log_in as _log_in

pytestmark = [pytest.mark.browser]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}

# With is_mobile, Chromium widens the layout viewport to the widest content (innerWidth
# grows too), so both are compared with the screen's 390 px. The offenders are the
# elements sticking out that no scrolling box (a table's) holds.
MEASURE = """() => {
  const held = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > 391 && !held(e)).slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined ? '.' + e.className.trim().replace(/ +/g, '.') : ''));
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, wide};
}"""


@pytest.fixture
def demo(demo, transactional_db):
    """The demo data, committed for the live server: every main page has real content (long titles, tables, maps)."""
    from alleger.assets.models import Asset
    from alleger.funding.models import Project
    from alleger.interventions.models import Intervention
    from alleger.kits.models import Kit
    from alleger.proposals.models import Proposal
    from alleger.testing.demo import demo_people

    project = Project.objects.filter(status="published", holder__email="clement@alleger.localhost").first()
    return {
        "project": project,
        "territory": project.territory,
        "kit": Kit.objects.filter(status="published").order_by("pk").first(),
        "asset": Asset.objects.filter(moderation="published").order_by("pk").first(),
        "proposal": Proposal.objects.order_by("pk").first(),
        "intervention": Intervention.objects.order_by("pk").first(),
        "users": demo_people(),
    }



def _main_pages(demo):
    """Who looks at which page: None is a visitor, else a demo person with the right role."""
    project, territory = demo["project"], demo["territory"]
    t = territory.slug
    return {
        None: [
            "/", f"/t/{t}/", "/projets/", project.get_absolute_url(), "/kits/",
            f"/kits/{demo['kit'].slug}/", "/dispositifs/", f"/dispositifs/{demo['asset'].pk}/",
            "/signalements/", f"/signalements/t/{t}/", "/interventions/",
            f"/interventions/{demo['intervention'].pk}/", "/propositions/", f"/propositions/{demo['proposal'].pk}/",
            "/accounts/login/", "/accounts/signup/", "/organisations/", "/niveaux/",
            f"/kits/{demo['kit'].slug}/historique/",
        ],
        "clemence": [  # a resident
            f"{project.get_absolute_url()}contribuer/", f"/signalements/t/{t}/nouveau/", "/compte/",
            "/contributions/",
        ],
        "helene": ["/mecenat/"],  # a sponsor
        "martha": [  # the territory's moderator
            "/moderation/", f"/t/{t}/moderation/projets/", f"/t/{t}/moderation/paiements/",
            "/kits/relecture/", "/dispositifs/relecture/", "/organisations/mecenat/demandes/",
        ],
        "clement": [  # the project's holder, admin of the café (it may give and ask in its name)
            f"{project.get_absolute_url()}gerer/", f"{project.get_absolute_url()}contribuer/",
            "/organisations/cafe-d-a-cote/mecenat/", "/organisations/cafe-d-a-cote/",
        ],
    }


def test_no_main_page_scrolls_sideways_on_a_phone(new_context, live_server, demo):
    too_wide = []
    for who, paths in _main_pages(demo).items():
        context = new_context(**PHONE)
        if who:
            _log_in(context, live_server, demo["users"][who])
        page = context.new_page()
        for path in paths:
            response = page.goto(live_server.url + path, wait_until="load")
            assert response.ok and page.url == live_server.url + path, (path, response.status, page.url)
            width = page.evaluate(MEASURE)
            if width["scroll"] > 390 or width["inner"] > 390:
                too_wide.append((path, width))
    assert too_wide == []


def test_the_header_is_compact_and_the_menu_opens_without_javascript(new_context, live_server, transactional_db):
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(live_server.url + "/")
    assert page.locator(".site-header").bounding_box()["height"] < 80
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav).to_be_hidden()
    menu = page.locator("summary", has_text="Menu")
    menu.click()
    expect(nav.get_by_role("link", name="Projets")).to_be_visible()
    expect(page.get_by_role("navigation", name="Mon compte").get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_label("Langue")).to_be_visible()
    # Open, it still fits the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    menu.click()
    expect(nav).to_be_hidden()


def test_the_menu_button_works_with_the_keyboard_and_says_whether_it_is_open(
    new_context, live_server, transactional_db, check_axe
):
    page = new_context(**PHONE).new_page()
    page.goto(live_server.url + "/")
    button = page.locator("summary", has_text="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", outline  # the focus is visible
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    projects = page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Projets")
    expect(projects).to_be_visible()
    check_axe(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(projects).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_wide_screens_show_the_whole_menu_without_a_button(new_context, live_server, transactional_db, javascript):
    page = new_context(java_script_enabled=javascript, **DESKTOP).new_page()
    page.goto(live_server.url + "/")
    expect(page.locator("summary", has_text="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link", name="Organisations")).to_be_visible()
    expect(page.get_by_role("link", name="Créer un compte")).to_be_visible()


def test_a_project_shows_its_funding_box_on_the_first_screen_of_a_phone(new_context, live_server, demo, check_axe):
    page = new_context(**PHONE).new_page()
    page.goto(live_server.url + demo["project"].get_absolute_url())
    box = page.get_by_role("complementary", name="Financement")
    top = box.evaluate("el => el.getBoundingClientRect().top + scrollY")
    assert top < 844, top
    contribute = box.get_by_role("link", name="Contribuer")
    expect(contribute).to_be_visible()
    assert contribute.evaluate("el => el.getBoundingClientRect().top + scrollY") < 2 * 844
    expect(box.locator("progress")).to_be_visible()
    check_axe(page)


def test_on_a_wide_screen_the_funding_box_sits_beside_the_story(new_context, live_server, demo):
    page = new_context(**DESKTOP).new_page()
    page.goto(live_server.url + demo["project"].get_absolute_url())
    box = page.get_by_role("complementary", name="Financement").bounding_box()
    story = page.get_by_role("heading", name="Le projet", exact=True).bounding_box()
    column = page.locator(".project-main").bounding_box()  # the project's picture, then its story
    assert box["x"] > story["x"] + story["width"] / 2, (box, story)
    assert abs(box["y"] - column["y"]) < 100, (box, column)


def test_a_wide_table_scrolls_inside_its_own_focusable_box(new_context, live_server, demo, check_axe):
    context = new_context(**PHONE)
    _log_in(context, live_server, demo["users"]["clement"])
    page = context.new_page()
    page.goto(f"{live_server.url}{demo['project'].get_absolute_url()}gerer/")
    # The contributions' table (the chart's figures come first, folded in their <details>).
    region = page.get_by_role("region", name=re.compile(r"^\d+ contributions?$"))
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_class(re.compile(r"\btable-scroll\b"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)


def test_long_words_and_addresses_wrap_instead_of_widening_the_page(new_context, live_server, demo):
    from alleger.funding.models import Project

    project = demo["project"]
    address = "https://example.org/" + "tres-long-chemin-" * 12
    Project.objects.filter(pk=project.pk).update(
        story=f"Voir {address} et le mot Anticonstitutionnellementissimementextraordinairement."
    )
    page = new_context(**PHONE).new_page()
    page.goto(live_server.url + project.get_absolute_url())
    expect(page.get_by_text("tres-long-chemin-tres-long", exact=False).first).to_be_visible()
    width = page.evaluate(MEASURE)
    assert width["scroll"] <= 390 and width["inner"] <= 390, width
