"""The places' open-data pages in a browser: the import and its report for a moderator (axe-core clean,
no sideways scroll at 390 px), the exports' page."""

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "alleger" / "places" / "tests" / "data"
WIDTH = "() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth})"


@pytest.fixture
def moderator_of(member, territory):
    from alleger.territories.models import TerritoryRole

    TerritoryRole.objects.create(user=member, territory=territory, role=TerritoryRole.Role.MODERATOR)
    return member


def test_import_report_and_exports_pages(new_context, live_server, moderator_of, territory, check_axe):
    from django.conf import settings
    from django.test import Client

    context = new_context(viewport={"width": 390, "height": 844})
    client = Client()
    client.force_login(moderator_of, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page = context.new_page()
    page.goto(f"{live_server.url}/lieux/donnees/importer/{territory.slug}/")
    check_axe(page)
    page.get_by_label("Fichier CSV ou JSON").set_input_files(str(DATA / "lieux-saint-etienne.csv"))
    page.get_by_role("button", name="Importer").click()
    page.get_by_role("heading", name="Rapport d'import").wait_for()
    assert page.get_by_role("cell", name="se-4", exact=True).count() == 1  # unreadable hours
    check_axe(page)
    width = page.evaluate(WIDTH)
    assert width["scroll"] <= 390, width
    page.goto(f"{live_server.url}/lieux/donnees/")
    check_axe(page)
    assert page.evaluate(WIDTH)["scroll"] <= 390
