"""La Boîte à Kits in the browser: axe-core finds nothing serious on the kit pages."""

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def kit(territory, member):
    from alleger.kits.models import Kit
    from alleger.kits.services import kit_update
    from alleger.testing.kits_factories import make_kit

    kit = make_kit(author=member, status=Kit.Status.PUBLISHED, territory=territory,
                   title="Cartographier son quartier", slug="cartographier")
    # Published kits are edited by moderation (authors fork them instead).
    kit_update(kit=kit, actor=_moderator_of(territory), note="Étapes précisées",
               steps="1. Se retrouver\n2. Relever les obstacles\n3. Les ajouter à OpenStreetMap")
    return kit


def _moderator_of(territory):
    from alleger.territories.models import TerritoryRole
    from alleger.testing.factories import UserFactory

    moderator = UserFactory(display_name="Modération")
    TerritoryRole.objects.create(territory=territory, user=moderator, role=TerritoryRole.Role.MODERATOR)
    return moderator


def test_the_kit_pages_are_axe_clean(page, live_server, kit, check_axe):
    for path in ("/kits/", f"/kits/{kit.slug}/", f"/kits/{kit.slug}/historique/",
                 f"/kits/{kit.slug}/comparer/?de=1&a=2"):
        response = page.goto(live_server.url + path, wait_until="load")
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        check_axe(page)
    assert "Cartographier son quartier" in page.content()


def test_a_printed_kit_is_the_guide_without_what_is_done_on_screen(page, live_server, kit):
    from alleger.kits.services import kit_update

    kit_update(kit=kit, actor=_moderator_of(kit.territory), note="Lien",
               procedures="Voir [la charte](https://ville.example/charte) avant de commencer.")
    page.goto(live_server.url + f"/kits/{kit.slug}/", wait_until="load")
    page.emulate_media(media="print")
    # The guide is printed: its steps, and the address of a link to elsewhere (paper cannot follow it)
    assert page.get_by_text("Relever les obstacles").is_visible()
    link = page.get_by_role("link", name="la charte")
    assert "https://ville.example/charte" in link.evaluate("a => getComputedStyle(a, '::after').content")
    # Not what is done on screen: the actions, the forms, the comments, the site's menu
    for text in ("Agir sur ce kit", "Historique des versions"):
        assert not page.get_by_text(text).first.is_visible(), text
    assert page.locator("form:visible, button:visible, .site-header:visible").count() == 0
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
