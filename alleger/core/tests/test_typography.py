"""Punctuation as each language writes it: French puts a space before « : », « ; », « ! » and « ? »,
English none. The English catalogue never has one; the templates put none outside a translated string
(where it would show in English too) and write `{% colon %}` / `{% semicolon %}` instead."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django import forms
from django.template import Context, Template
from django.template.base import Lexer, TokenType
from django.template.loader import render_to_string
from django.utils import translation

import alleger

ROOT = Path(alleger.__file__).resolve().parent
EN_PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

#: A space (plain, no-break or narrow no-break) before one of the four, unless it is quoted: « ; », "?".
SPACED = re.compile(r"(?<![«\"“'‘])[ \u00a0\u202f]+[:;!?](?![»\"”'’])")
#: The same in a template's text: also the HTML entities of those spaces; a word, a tag, an end of line
#: or a template tag after the sign (a URL's « : » or a time's « 14:00 » never follows a space anyway).
SPACED_IN_TEMPLATE = re.compile(r"(?:[ \t\n\u00a0\u202f]|&nbsp;|&#160;|&#8239;)+[:;!?](?=[\s\x00<&{]|$)")


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]


def test_english_never_puts_a_space_before_a_colon_semicolon_or_mark():
    with EN_PO.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    wrong = [(message.id, text) for message in catalog if message.id
             for text in _strings(message) if text and SPACED.search(text)]
    assert not wrong, f"English msgstrs with a space before : ; ! or ?: {wrong}"


def test_the_check_finds_a_french_space_and_leaves_a_quoted_sign_alone():
    assert SPACED.search("Participants : 12") and SPACED.search("Really ?")
    assert not SPACED.search("Participants: 12") and not SPACED.search('separated by « ; » or "?"')
    assert not SPACED.search("Th 14:00-17:00; see https://example.org")


def _untranslated_text(source: str):
    """(line, text) of each place where template text outside {% blocktranslate %} (and outside comments,
    tags and their attributes) puts a space before : ; ! or ?."""
    depth = comment = 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = (token.contents.split() or [""])[0]
            depth += {"blocktranslate": 1, "blocktrans": 1, "endblocktranslate": -1, "endblocktrans": -1}.get(name, 0)
            comment += {"comment": 1, "endcomment": -1}.get(name, 0)
            continue
        if token.token_type != TokenType.TEXT or depth or comment:
            continue
        text = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]*>",
                      lambda m: re.sub(r"[^\n]", "\x00", m.group(0)), token.contents, flags=re.S)
        for match in SPACED_IN_TEMPLATE.finditer(text):
            yield token.lineno + text[:match.end()].count("\n"), match.group(0)


def test_no_template_puts_a_french_space_outside_a_translation():
    templates = [path for path in ROOT.rglob("templates/**/*") if path.suffix in (".html", ".txt", ".xml")]
    assert len(templates) > 100
    wrong = [f"{path.relative_to(ROOT)}:{line}: {found!r}" for path in templates
             for line, found in _untranslated_text(path.read_text())]
    assert not wrong, "write {% colon %} or {% semicolon %} (or put the sign in the translation):\n" + "\n".join(wrong)


def test_the_check_sees_a_hard_coded_colon_but_not_one_inside_a_translation():
    source = ('{% load i18n %}<h1>{% translate "Lieu" %} : {{ name }}</h1>\n'
              '<p>{% blocktranslate %}Lieu : {{ name }}{% endblocktranslate %}</p><a title="x : y">z</a>')
    assert list(_untranslated_text(source)) == [(1, " :")]


@pytest.mark.parametrize(("language", "expected"), [("fr", "Lieu : Carnot ; Atelier : Jacquard"),
                                                    ("en", "Place: Carnot; Workshop: Jacquard")])
def test_colon_and_semicolon_follow_the_language(language, expected):
    template = Template('{% load i18n alleger %}{% translate "Lieu" %}{% colon %} Carnot{% semicolon %} '
                        '{% translate "Atelier" %}{% colon %} Jacquard')
    with translation.override(language):
        assert template.render(Context()) == expected


class _Form(forms.Form):
    title = forms.CharField(label="Title")


@pytest.mark.parametrize(("language", "expected"), [("fr", "Title : "), ("en", "Title: ")])
def test_the_error_summary_of_a_form_writes_the_colon_of_the_language(language, expected):
    with translation.override(language):
        html = render_to_string("components/form_fields.html", {"form": _Form(data={})})
    assert f'<a href="#id_title">{expected}' in html


class _Choices(forms.Form):
    days = forms.MultipleChoiceField(label="Days", choices=[("mo", "Monday"), ("tu", "Tuesday")],
                                     widget=forms.CheckboxSelectMultiple)


def test_the_error_summary_links_a_group_of_checkboxes_to_the_group():
    """A group has no label `for` (Django's id_for_label is empty): the link goes to the group's element."""
    html = render_to_string("components/form_fields.html", {"form": _Choices(data={})})
    assert '<a href="#id_days">' in html and 'id="id_days"' in html and 'href="#"' not in html
