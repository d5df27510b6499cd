"""Numbers people type or send to the API: ASCII digits only.

Python's int(), Decimal(), str.isdigit() and the regex \\d all accept any
Unicode digit: int("１００") is 100 and "²".isdigit() is True (but int("²")
fails). Raw input never meets them directly; the forms, the API schemas and
the views go through these functions, so a page and the API accept the same
text.
"""

import re
from decimal import Decimal
from typing import Annotated

from django import forms
from django.utils.translation import gettext_lazy as _
from pydantic import BeforeValidator

_DIGITS = re.compile(r"[0-9]+")
# Whole euros, then at most one decimal separator (the French comma or a point) and decimals.
_AMOUNT = re.compile(r"(?P<whole>[0-9]+)(?:[.,](?P<decimals>[0-9]*))?")
# Spaces (plain, no-break, narrow no-break) group thousands or card digits.
_SPACES = re.compile(r"[ \t\u00a0\u202f]")


def is_digits(text) -> bool:
    """ "042" → True; "", "-1", "１００", "²" → False."""
    return isinstance(text, str) and _DIGITS.fullmatch(text) is not None


def integer_from_text(text) -> int:
    """ "12", "+12", "-3" → int. Raises ValueError with a message for people."""
    raw = str(text).strip()
    if not is_digits(raw.removeprefix("-").removeprefix("+")):
        raise ValueError(_("Écrivez un nombre entier en chiffres, par exemple 12."))
    return int(raw)


def cents_from_euros(text) -> int:
    """ "12,50" → 1250, "1 200 €" → 120000. Raises ValueError with a message for people."""
    raw = _SPACES.sub("", str(text or "")).removesuffix("€").removesuffix("EUR")
    if not raw:
        raise ValueError(_("Indiquez un montant."))
    if raw.startswith("-"):
        raise ValueError(_("Le montant ne peut pas être négatif."))
    match = _AMOUNT.fullmatch(raw.removeprefix("+"))
    if not match:
        raise ValueError(_("Écrivez un montant en euros, par exemple 12 ou 12,50."))
    decimals = match["decimals"] or ""
    if len(decimals) > 2:
        raise ValueError(_("Un montant a au plus deux chiffres après la virgule (les centimes)."))
    return int(Decimal(f"{match['whole']}.{decimals or '0'}") * 100)


def card_number(text) -> str:
    """ "4242 4242 4242 4242" → "4242424242424242": 12 to 19 digits, spaces allowed between them."""
    number = _SPACES.sub("", str(text or ""))
    if not is_digits(number) or not 12 <= len(number) <= 19:
        raise ValueError(_("Un numéro de carte compte de 12 à 19 chiffres."))
    return number


def _whole_number(value):
    """An API integer: a JSON integer, or a string of ASCII digits; never a boolean, a fraction or "１００"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return integer_from_text(value if isinstance(value, str) else "?")
    except ValueError as exc:
        raise ValueError(str(exc.args[0])) from None


def _card_number(value):
    if value is None:
        return None
    try:
        return card_number(value)
    except ValueError as exc:
        raise ValueError(str(exc.args[0])) from None


#: API schema types: the same rules as the forms.
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
CardNumber = Annotated[str | None, BeforeValidator(_card_number)]


class IntegerField(forms.IntegerField):
    """Django's IntegerField, without the Unicode digits int() would take."""

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, int):
            try:
                integer_from_text(value)
            except ValueError:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)
