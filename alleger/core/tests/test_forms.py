"""One way to show a service's refusal on a form (alleger.core.forms.add_refusal)."""

import re
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

import alleger
from alleger.core.errors import Refused
from alleger.core.forms import add_refusal


class AmountForm(forms.Form):
    REFUSAL_FIELDS = {"over_cap": "amount"}

    amount = forms.IntegerField()
    note = forms.CharField(required=False)
    key = forms.CharField(widget=forms.HiddenInput)


def _form() -> AmountForm:
    form = AmountForm({"amount": "5", "note": "", "key": "k"})
    assert form.is_valid()
    return form


def test_a_refusal_goes_on_the_field_its_code_names_and_keeps_its_code():
    form = _form()
    add_refusal(form, Refused("over_cap", "Trop."), {"over_cap": "note"})
    assert form.errors == {"note": ["Trop."]}
    assert form.has_error("note", code="over_cap")


def test_without_a_mapping_the_forms_own_refusal_fields_are_used():
    form = _form()
    add_refusal(form, Refused("over_cap", "Trop."))
    assert form.errors == {"amount": ["Trop."]}


def test_one_field_may_take_every_refusal():
    form = _form()
    add_refusal(form, Refused("anything", "Non."), "note")
    assert form.errors == {"note": ["Non."]}


def test_a_refusal_about_a_hidden_absent_or_unnamed_field_goes_at_the_top():
    for fields in ({"x": "key"}, {"x": "nowhere"}, {}):
        form = _form()
        add_refusal(form, Refused("x", "Non."), fields)
        assert form.non_field_errors() == ["Non."]


def test_a_models_checks_go_on_their_fields_and_the_rest_at_the_top():
    form = _form()
    add_refusal(form, ValidationError({"amount": ["Négatif."], "slug": ["Pris."], "__all__": ["Incohérent."]}))
    assert form.errors["amount"] == ["Négatif."]
    assert form.non_field_errors() == ["Pris.", "Incohérent."]


def test_no_view_puts_a_refusal_on_a_form_by_hand():
    hand_made = re.compile(r"add_error\([^\n]*\bexc\b")
    found = [f"{path}:{number}" for path in Path(alleger.__file__).parent.rglob("views*.py")
             for number, line in enumerate(path.read_text().splitlines(), 1) if hand_made.search(line)]
    found += [f"{path}:{number}" for path in Path(alleger.__file__).parent.rglob("views/*.py")
              for number, line in enumerate(path.read_text().splitlines(), 1) if hand_made.search(line)]
    assert found == []


def test_a_text_of_invisible_characters_is_empty_and_a_required_field_refuses_it():
    from django import forms as django_forms

    class NameForm(django_forms.Form):
        name = django_forms.CharField(max_length=50)

    assert NameForm({"name": "\u200b\u200b"}).errors["name"] == ["Ce champ est obligatoire."]
    assert NameForm({"name": "\ufeff \u2060\u00ad"}).errors["name"] == ["Ce champ est obligatoire."]
    form = NameForm({"name": " \u200bZoé 👩\u200d🔧\u200c "})
    assert form.is_valid() and form.cleaned_data["name"] == "Zoé 👩\u200d🔧"  # the emoji's joiner stays


def test_a_display_name_of_zero_width_spaces_is_refused(client, resident, db):
    from alleger.accounts.models import User

    client.force_login(resident)
    response = client.post("/compte/", {"display_name": "\u200b\u200b", "bio": ""})
    assert "display_name" in response.context["form"].errors
    assert User.objects.get(pk=resident.pk).display_name == resident.display_name
    client.post("/compte/", {"display_name": "Zoé", "bio": ""})  # the same form takes a real name
    assert User.objects.get(pk=resident.pk).display_name == "Zoé"
