import pytest
from django.urls import reverse

from alleger.core.models import AuditEvent
from alleger.core.tests.test_translations import compiled_locale, translated  # noqa: F401 (fixtures)
from alleger.pages.models import Page, Slug
from alleger.pages.services import page_save

from .helpers import parse

pytestmark = pytest.mark.django_db

# A sentence of each page's default text, per language.
DEFAULTS = {
    Slug.LEGAL: ("Éditeur du service", "Publisher"),
    Slug.TERMS: ("Règles du financement participatif", "Crowdfunding rules"),
    Slug.PRIVACY: ("Vos droits (RGPD)", "Your rights (GDPR)"),
    Slug.COOKIES: ("Seulement des cookies nécessaires", "Strictly necessary cookies only"),
    Slug.ACCESSIBILITY: ("partiellement conforme", "partially compliant"),
    Slug.CONTACT: ("Pour aller plus vite", "To get there faster"),
}
TITLES = {
    Slug.LEGAL: "Legal notice", Slug.TERMS: "Terms of use", Slug.PRIVACY: "Privacy policy",
    Slug.COOKIES: "Cookies", Slug.ACCESSIBILITY: "Accessibility statement", Slug.CONTACT: "Contact",
}


def _get(client, url, language=None):
    if language:
        client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("slug", Slug.values)
def test_each_page_shows_its_french_default(client, slug):
    html = _get(client, reverse(f"pages:{slug}"))
    assert f"<h1 id=\"page-titre\">{Slug(slug).label}".replace("'", "&#x27;") in html
    assert DEFAULTS[slug][0] in html and DEFAULTS[slug][1] not in html
    assert "<h2>" in html  # the Markdown is rendered


@pytest.mark.parametrize("slug", Slug.values)
def test_each_page_shows_its_english_default(client, translated, slug):  # noqa: F811
    html = _get(client, reverse(f"pages:{slug}"), "en")
    assert '<html lang="en">' in html
    assert f'<h1 id="page-titre">{TITLES[slug]}</h1>' in html
    assert DEFAULTS[slug][1] in html and DEFAULTS[slug][0] not in html


def test_the_terms_state_the_crowdfunding_rules(client):
    html = _get(client, reverse("pages:conditions-utilisation"))
    for rule in ("Séquestre", "intégralement remboursée", "24 heures", "sans intérêt", "Commission du territoire"):
        assert rule in html


def test_the_privacy_policy_links_to_the_export_and_deletion(client):
    html = _get(client, reverse("pages:confidentialite"))
    assert f'href="{reverse("accounts:profile")}"' in html
    assert f'href="{reverse("pages:contact")}"' in html


def test_an_edit_by_the_platform_admin_changes_the_page(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post(reverse("admin:pages_page_add"), {
        "slug": Slug.CONTACT, "language": "fr", "content": "## Écrire\n\nmairie@villeclaire.example",
    })
    assert response.status_code == 302
    html = _get(client, reverse("pages:contact"))
    assert "<h2>Écrire</h2>" in html and "mairie@villeclaire.example" in html
    assert "faites un" not in html
    # The English page keeps its default; the edit is audited by the service.
    assert "make a" in _get(client, reverse("pages:contact"), "en")
    event = AuditEvent.objects.get(action="pages.page_saved")
    assert event.actor == platform_admin and event.data["previous"] is None


def test_a_second_edit_keeps_the_previous_text_in_the_audit_trail(client, platform_admin):
    page = page_save(actor=platform_admin, slug=Slug.COOKIES, language="fr", content="Première version")
    client.force_login(platform_admin)
    response = client.post(reverse("admin:pages_page_change", args=[page.pk]), {"content": "Deuxième version"})
    assert response.status_code == 302
    assert Page.objects.get().content == "Deuxième version"
    latest = AuditEvent.objects.filter(action="pages.page_saved").first()
    assert latest.data["previous"] == "Première version" and latest.data["content"] == "Deuxième version"
    assert "Deuxième version" in _get(client, reverse("pages:cookies"))


def test_deleting_the_edit_brings_the_default_back(client, platform_admin):
    page = page_save(actor=platform_admin, slug=Slug.COOKIES, language="fr", content="Texte local")
    client.force_login(platform_admin)
    response = client.post(reverse("admin:pages_page_delete", args=[page.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Page.objects.exists()
    assert AuditEvent.objects.filter(action="pages.page_reset", data__previous="Texte local").exists()
    assert "django_language" in _get(client, reverse("pages:cookies"))


def test_the_markdown_is_sanitised(client, platform_admin):
    page_save(actor=platform_admin, slug=Slug.LEGAL, language="fr",
              content='Bonjour <script>alert("x")</script> [lien](javascript:alert(1)) <img src=x onerror=alert(1)>')
    html = _get(client, reverse("pages:mentions-legales"))
    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    assert "Bonjour" in main
    assert "<script" not in main and "<img" not in main and 'href="javascript' not in main
    assert "&lt;script&gt;" in main  # shown as text, never run


def test_a_page_of_an_unknown_language_cannot_be_saved(platform_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        page_save(actor=platform_admin, slug=Slug.LEGAL, language="de", content="Hallo")
    assert not Page.objects.exists() and not AuditEvent.objects.exists()


def test_only_the_platform_team_edits_the_pages(client, resident):
    client.force_login(resident)
    response = client.post(reverse("admin:pages_page_add"), {"slug": Slug.LEGAL, "language": "fr", "content": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not Page.objects.exists()


@pytest.mark.parametrize("url", ["/", "/projets/", "/kits/", "/interventions/", "/signalements/",
                                 "/organisations/", "/dispositifs/", "/accounts/login/", "/contact/"])
def test_the_footer_links_every_trust_page(client, territory, url):
    links = parse(client.get(url)).links
    for slug in Slug.values:
        assert reverse(f"pages:{slug}") in links, (url, slug)
    assert ("icon", "/static/alleger/favicon.svg") in links or any(
        rel == "icon" and href.endswith(".svg") for rel, href in (x for x in links if isinstance(x, tuple)))
    assert ("manifest", "/manifest.webmanifest") in links


def test_a_second_row_for_the_same_page_and_language_is_refused(client, platform_admin):
    page_save(actor=platform_admin, slug=Slug.LEGAL, language="fr", content="Texte local")
    client.force_login(platform_admin)
    response = client.post(reverse("admin:pages_page_add"), {"slug": Slug.LEGAL, "language": "fr", "content": "Autre"})
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert list(Page.objects.values_list("content", flat=True)) == ["Texte local"]
    assert AuditEvent.objects.filter(action="pages.page_saved").count() == 1
