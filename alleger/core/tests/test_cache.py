"""Anonymous visitors' public pages are cached; anyone with a cookie gets a live render."""

import pytest
from django.core.cache import caches

from alleger.territories.models import Territory


@pytest.fixture(autouse=True)
def empty_cache():
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.mark.django_db
def test_an_anonymous_visitor_gets_the_cached_page(client, territory):
    first = client.get(territory.get_absolute_url())
    Territory.objects.filter(pk=territory.pk).update(tagline="Changée maintenant")

    second = client.get(territory.get_absolute_url())

    assert first.status_code == second.status_code == 200
    assert "Changée maintenant" not in second.content.decode()
    assert second["Cache-Control"] == "public, max-age=60"


@pytest.mark.django_db
def test_a_logged_in_person_always_gets_a_live_render(client, resident, territory):
    client.get(territory.get_absolute_url())
    Territory.objects.filter(pk=territory.pk).update(tagline="Changée maintenant")
    client.force_login(resident)

    response = client.get(territory.get_absolute_url())

    assert "Changée maintenant" in response.content.decode()


@pytest.mark.django_db
def test_each_language_has_its_own_cached_page(client, territory):
    french = client.get(territory.get_absolute_url())
    client.cookies["django_language"] = "en"

    english = client.get(territory.get_absolute_url())

    assert french["Content-Language"] == "fr"
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()


@pytest.mark.django_db
def test_the_cache_can_be_turned_off(client, territory, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(territory.get_absolute_url())
    Territory.objects.filter(pk=territory.pk).update(tagline="Changée maintenant")

    assert "Changée maintenant" in client.get(territory.get_absolute_url()).content.decode()


def test_the_language_switch_sets_the_cookie_and_goes_back(client):
    response = client.get("/langue/", {"language": "en", "next": "/organisations/"})

    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    assert response.cookies["django_language"].value == "en"


@pytest.mark.django_db
def test_the_language_switch_of_a_logged_in_person_is_also_the_language_of_their_e_mails(client):
    from alleger.testing.factories import UserFactory

    person = UserFactory(preferred_language="fr")
    client.force_login(person)
    client.get("/langue/", {"language": "en"})
    person.refresh_from_db()
    assert person.preferred_language == "en"
    client.get("/langue/", {"language": "xx"})  # an unknown language changes nothing
    person.refresh_from_db()
    assert person.preferred_language == "en"


def test_the_language_switch_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.get("/langue/", {"language": "xx", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies
