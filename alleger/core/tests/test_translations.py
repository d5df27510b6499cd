"""The English catalogue: complete, faithful to its placeholders, and used by the pages.

The interface is written in French (the msgids) and English is a translation,
so a missing English msgstr shows French to an English reader. These tests
read alleger/locale/en/LC_MESSAGES/django.po with Babel (the same reader
`alleger build` compiles with).

Regenerate the catalogues after changing an interface string:

    SECRET_KEY=… HTTPS=false uv run python manage.py makemessages -l en -l fr \
        --no-location --no-obsolete --ignore=.venv --ignore=node_modules \
        --ignore=staticfiles --ignore=var --ignore=tests --ignore=bench
"""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings

import alleger.cli
from alleger.testing.factories import NeighbourhoodFactory, TerritoryFactory

LOCALE_DIR = Path(alleger.cli.LOCALE_DIR)
PROJECT_DIR = LOCALE_DIR.parent.parent
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
FR_PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"

# %(name)s, %(count)d, %s, %%… (printf-style, as Python's % operator reads them).
# The space flag is left out on purpose: "en % de l'objectif" is prose, not "% d".
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _read(path: Path, locale: str):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _messages(catalog):
    return [message for message in catalog if message.id]


def _forms(value) -> list[str]:
    return list(value) if isinstance(value, (tuple, list)) else [value]


def _placeholders(text: str) -> Counter:
    found = Counter()
    for match in PLACEHOLDER.finditer(text):
        if match["type"] == "%":
            continue
        found[match["name"] if match["name"] is not None else f"%{match['type']}"] += 1
    return found


def _label(message) -> str:
    return repr(message.id[0] if isinstance(message.id, tuple) else message.id)


@pytest.fixture(scope="module")
def en_catalog():
    return _read(EN_PO, "en")


def test_english_catalogue_has_english_plural_rule(en_catalog):
    assert en_catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not en_catalog.fuzzy, "the catalogue header is still marked fuzzy"


def test_french_catalogue_exists_with_french_plural_rule():
    fr_catalog = _read(FR_PO, "fr")
    assert fr_catalog.plural_forms == "nplurals=2; plural=(n > 1);"


def test_every_english_entry_is_translated_and_checked(en_catalog):
    messages = _messages(en_catalog)
    assert len(messages) > 100
    untranslated = [_label(m) for m in messages if not all(form.strip() for form in _forms(m.string))]
    fuzzy = [_label(m) for m in messages if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries: {fuzzy}"
    for message in messages:
        if isinstance(message.id, tuple):
            assert len(message.string) == 2, f"{_label(message)} needs msgstr[0] and msgstr[1]"


def test_english_placeholders_match_the_french(en_catalog):
    wrong = []
    for message in _messages(en_catalog):
        ids = _forms(message.id)
        strings = _forms(message.string)
        expected = set()
        for msgid in ids:
            expected |= set(_placeholders(msgid))
        # Each translated form may only use the source's placeholders…
        for form in strings:
            if not set(_placeholders(form)) <= expected:
                wrong.append((_label(message), form))
        # …and the other (plural) form, or the only one, uses all of them,
        # as often as the French does.
        if _placeholders(strings[-1]) != _placeholders(ids[-1]):
            wrong.append((_label(message), strings[-1]))
    assert not wrong, f"placeholders differ between msgid and msgstr: {wrong}"


def test_english_keeps_the_html_of_the_french(en_catalog):
    wrong = []
    for message in _messages(en_catalog):
        source_tags = Counter(TAG.findall(_forms(message.id)[-1]))
        for form in _forms(message.string):
            if Counter(TAG.findall(form)) != source_tags:
                wrong.append((_label(message), form))
    assert not wrong, f"HTML differs between msgid and msgstr: {wrong}"


def test_english_and_french_catalogues_list_the_same_strings(en_catalog):
    english = {message.id for message in _messages(en_catalog)}
    french = {message.id for message in _messages(_read(FR_PO, "fr"))}
    assert english == french, (
        f"run makemessages for both languages; only in en: {english - french}, only in fr: {french - english}"
    )


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext, msgmerge)")
def test_every_interface_string_is_in_the_catalogue(en_catalog, tmp_path, monkeypatch):
    """makemessages, run on a copy of the code, finds no string the catalogue lacks."""
    source = tmp_path / "src"
    shutil.copytree(
        PROJECT_DIR / "alleger", source / "alleger",
        ignore=shutil.ignore_patterns("locale", "tests", "__pycache__", "static", "*.mo", "*.po"),
    )
    output = tmp_path / "locale"
    output.mkdir()
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[output]):
        call_command("makemessages", locale=["en"], no_location=True, no_obsolete=True, verbosity=0)
    fresh = _read(output / "en" / "LC_MESSAGES" / "django.po", "en")
    known = {message.id for message in _messages(en_catalog)}
    missing = sorted(str(message.id) for message in _messages(fresh) if message.id not in known)
    assert not missing, f"strings missing from alleger/locale (run makemessages, then translate): {missing}"


# --- the compiled catalogue in use -------------------------------------------


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    """The catalogues compiled by alleger.cli.compile_translations, in a copy of alleger/locale.

    Compiling a copy leaves the working tree alone and cannot race with another
    test process or with `alleger build` writing the same .mo files.
    """
    copy = tmp_path_factory.mktemp("compiled") / "locale"
    shutil.copytree(LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alleger.cli, "LOCALE_DIR", copy)
        assert alleger.cli.compile_translations() >= 2
    assert (copy / "en" / "LC_MESSAGES" / "django.mo").stat().st_size > 0
    return copy


@pytest.fixture
def translated(compiled_locale):
    # Changing LOCALE_PATHS empties Django's cache of loaded catalogues, on
    # the way in and on the way out.
    with override_settings(LOCALE_PATHS=[compiled_locale]):
        yield


@pytest.fixture
def territory(db):
    territory = TerritoryFactory(name="Saint-Exemple", slug="saint-exemple")
    NeighbourhoodFactory(territory=territory)
    NeighbourhoodFactory(territory=territory)
    return territory


def _get(client, url: str, language: str | None) -> str:
    if language:
        client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_home_page_in_english(client, translated, territory):
    html = _get(client, "/", "en")
    assert '<html lang="en">' in html
    assert "Lighten the city, from the bottom up" in html
    assert "Alléger la ville, par le bas" not in html
    assert "Skip to content" in html and "Aller au contenu" not in html
    assert "2 neighbourhoods" in html and "2 quartiers" not in html
    assert "Create an account" in html


@pytest.mark.django_db
def test_home_page_stays_french_by_default(client, translated, territory):
    html = _get(client, "/", None)
    assert '<html lang="fr">' in html
    assert "Alléger la ville, par le bas" in html
    assert "2 quartiers" in html
    assert "Lighten the city" not in html


@pytest.mark.django_db
def test_territory_and_organisation_pages_in_english(client, translated, territory):
    html = _get(client, territory.get_absolute_url(), "en")
    assert "The territory’s rules" in html and "Règles du territoire" not in html
    assert "Neighbourhoods" in html
    html = _get(client, "/organisations/", "en")
    assert "All types" in html and "Tous les types" not in html


@pytest.mark.django_db
def test_allauth_s_pages_are_reworded_as_the_rest_of_the_site(client, translated):
    # Our catalogue comes before allauth's: sentence case in English, « courriel » in French
    client.cookies["django_language"] = "en"
    login = client.get("/accounts/login/").content.decode()
    assert re.search(r"<title>\s*Sign in", login) and "Remember me" in login and "Sign In" not in login
    assert "Password reset" in client.get("/accounts/password/reset/").content.decode()
    client.cookies["django_language"] = "fr"
    reset = client.get("/accounts/password/reset/").content.decode()
    assert "nous vous enverrons un courriel" in reset and "e-mail" not in reset
