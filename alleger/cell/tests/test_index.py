"""« Innover ensemble », the cell's landing page: each territory's challenges, dashboard, open data and watch."""

import pytest
from django.urls import reverse

from alleger.testing.factories import TerritoryFactory

pytestmark = pytest.mark.django_db


def watch_link(territory) -> str:
    return f'<a href="{reverse("cell:watch", args=[territory.slug])}">'


def test_the_cell_finds_its_watch_beside_its_challenges_and_dashboard(client_of, territory, cell_member):
    elsewhere = TerritoryFactory(name="Lyon", slug="lyon")
    client = client_of(cell_member)
    page = client.get(reverse("cell:index")).content.decode()
    assert f"{watch_link(territory)}La veille</a>" in page
    assert watch_link(elsewhere) not in page  # not their territory: said, not linked
    assert page.index(reverse("cell:dashboard", args=[territory.slug])) < page.index(watch_link(territory))
    assert client.get(reverse("cell:watch", args=[territory.slug])).status_code == 200


def test_a_visitor_sees_the_link_and_whom_the_watch_is_for_and_is_asked_to_log_in(client, territory):
    page = client.get(reverse("cell:index")).content.decode()
    assert f"{watch_link(territory)}La veille</a>" in page
    assert "réservée à la cellule d'innovation et à la modération" in page
    response = client.get(reverse("cell:watch", args=[territory.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_a_resident_is_told_the_watch_is_not_theirs_without_a_dead_link(client_of, territory, resident):
    page = client_of(resident).get(reverse("cell:index")).content.decode()
    assert watch_link(territory) not in page
    assert "La veille <span class=\"muted\">(tout ce qui émerge sur le territoire ; réservée à la cellule" in page


def test_in_english(client_of, territory, moderator):
    client = client_of(moderator)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("cell:index")).content.decode()
    assert f"{watch_link(territory)}The watch</a>" in page and "(everything new on the territory)" in page
