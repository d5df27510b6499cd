"""Numbers typed or sent: ASCII digits only, one rule for the pages and the API."""

import pytest
from django import forms

from alleger.core import numbers

UNICODE_DIGITS = ["１００", "١٠٠", "۱۰۰", "१००", "²", "1²"]


@pytest.mark.parametrize("text", UNICODE_DIGITS)
def test_it_refuses_digits_that_are_not_ascii_in_an_amount(text):
    with pytest.raises(ValueError, match="par exemple"):
        numbers.cents_from_euros(text)


@pytest.mark.parametrize("text, cents", [("100", 10_000), ("12,50", 1_250), ("1 200 €", 120_000)])
def test_it_still_takes_ascii_amounts_with_the_french_comma(text, cents):
    assert numbers.cents_from_euros(text) == cents


@pytest.mark.parametrize("text", UNICODE_DIGITS + ["12a", "", "1.5", "--1"])
def test_it_refuses_integers_that_are_not_ascii_digits(text):
    with pytest.raises(ValueError, match="chiffres"):
        numbers.integer_from_text(text)
    assert not numbers.is_digits(text)


@pytest.mark.parametrize("text", ["4242 4242 4242 4242", "4242424242424242", "4242\u00a04242\u00a04242\u00a04242"])
def test_a_card_number_is_digits_with_spaces_allowed(text):
    assert numbers.card_number(text) == "4242424242424242"


@pytest.mark.parametrize("text", ["4242 4242 4242 424x", "4242-4242-4242-4242", "４２４２４２４２４２４２４２４２", "4242"])
def test_a_card_number_with_anything_but_digits_is_refused(text):
    with pytest.raises(ValueError, match="12 à 19 chiffres"):
        numbers.card_number(text)


@pytest.mark.parametrize("typed", ["３０", "²"])
def test_the_integer_field_refuses_unicode_digits_that_django_would_take(typed):
    assert forms.IntegerField().clean("３０") == 30  # what Django alone does
    with pytest.raises(forms.ValidationError):
        numbers.IntegerField().clean(typed)
    assert numbers.IntegerField().clean("30") == 30


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["proposals:create", "interventions:declare"])
def test_a_superscript_digit_in_a_query_is_ignored_not_a_server_error(client, resident, url):
    # "²".isdigit() is True but int("²") fails: the pages used to answer 500
    from django.urls import reverse

    client.force_login(resident)
    assert client.get(reverse(url), {"dispositif": "²"}).status_code == 200
