"""One way to write an amount, in each language, on every page: « 5 180 € » in French, "€5,180" in English
(the `euros` formatter, Babel's currency format of the language), on the dashboard, the project's page, the
watch and its traction signals alike."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alleger.cell import services, traction
from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import ProjectFactory, pledge

pytestmark = pytest.mark.django_db

AMOUNT = {"fr": "5\u202f180\u00a0€", "en": "€5,180"}


@pytest.fixture
def project(territory):
    project = ProjectFactory(territory=territory, live=True, title="Le café associatif", goal_cents=600_000)
    for cents in (300_000, 218_000):
        pledge(project, UserFactory(), cents)
    today = timezone.localdate()
    services.rebuild(since=today - datetime.timedelta(days=30), until=today, territories=[territory])
    return project


def page(client, url: str, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dashboard_the_project_and_the_watch_write_the_amount_alike(client, territory, cell_member, project,
                                                                        language):
    amount = AMOUNT[language]
    dashboard = page(client, reverse("cell:dashboard", args=[territory.slug]), language)
    assert f'<td class="num">{amount}</td>' in dashboard

    assert amount in page(client, project.get_absolute_url(), language)

    client.force_login(cell_member)
    watch = page(client, reverse("cell:watch", args=[territory.slug]), language)
    assert f"2 contributions, {amount}" in watch
    assert "5,180 €" not in watch and "5 180 €" not in watch  # the watch's own format, before


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_traction_signal_writes_its_amounts_the_same_way(territory, project, language):
    with translation.override(language):
        [signal] = [s for s in traction.velocity(territory, None, timezone.now()) if s.title == project.title]
    assert AMOUNT[language] in signal.explanation
