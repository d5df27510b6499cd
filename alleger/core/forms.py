"""What the apps' forms share: one way to show a service's refusal on a form, and the photo form."""

import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alleger.core.numbers import cents_from_euros
from alleger.core.templatetags.alleger import euros

#: The years a date typed into a form may name: any real use, short of the calendar's ends (year 1 or
#: 9999, where a time zone or a period steps past what a date holds) and of a two-digit year's typo.
FIRST_YEAR, LAST_YEAR = 1900, 2999
#: The largest integer a database column holds (64 bits): a form refuses more before any database does.
LARGEST_INTEGER = 2**63 - 1


def plausible_year(value) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_("Indiquez une date entre les années %(first)s et %(last)s."),
                              code="implausible_date", params={"first": FIRST_YEAR, "last": LAST_YEAR})


def storable_integer(value) -> None:
    if abs(value) > LARGEST_INTEGER:
        raise ValidationError(_("Ce nombre est trop grand."), code="too_large")


#: Blanks at either end of a text field: what str.strip() takes, and the invisible characters it leaves
#: (zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen), so that « \u200b\u200b » is empty.
_END_BLANKS = re.compile("^[\\s\u200b-\u200d\u2060\ufeff\u00ad]+|[\\s\u200b-\u200d\u2060\ufeff\u00ad]+$")
_char_to_python = forms.CharField.to_python


def _stripped_to_python(self, value):
    value = _char_to_python(self, value)
    if self.strip and isinstance(value, str) and value:
        value = _END_BLANKS.sub("", value)
        if not value:
            return self.empty_value
    return value


def install_default_validators() -> None:
    """Every date and number field of every form (ours, model forms, the admin's) checks these
    (core's AppConfig.ready): a year 1 or a 20-digit count is a clear form error, never a 500."""
    forms.DateField.default_validators = [plausible_year]
    forms.DateTimeField.default_validators = [plausible_year]
    forms.IntegerField.default_validators = [storable_integer]
    # Their subclasses keep their own (none): a float or a decimal is not an integer column.
    forms.FloatField.default_validators = []
    forms.DecimalField.default_validators = []
    # A text made of invisible characters is empty: a required name or comment refuses it.
    forms.CharField.to_python = _stripped_to_python


def _shown(form, name: str | None) -> str | None:
    """The field if the form shows it, else None (the top of the form)."""
    if name in form.fields and not form.fields[name].widget.is_hidden:
        return name
    return None


def add_refusal(form, exc: ValidationError, fields: Mapping[str, str] | str | None = None) -> None:
    """Put a service's refusal (a Refused, or a model's full_clean errors) on the form.

    `fields` says which field a refusal concerns: by its code ({"over_cap": "amount"}), or one field for
    every code ("image"); without it, the form's own REFUSAL_FIELDS. A refusal about a field the form does
    not show (absent or hidden) goes at the top of the form, where it is read.
    """
    if hasattr(exc, "error_dict"):  # a model's checks, by model field
        for name, errors in exc.error_dict.items():
            form.add_error(_shown(form, name), errors)
        return
    if fields is None:
        fields = getattr(form, "REFUSAL_FIELDS", {})
    field = fields if isinstance(fields, str) else fields.get(getattr(exc, "code", None))
    form.add_error(_shown(form, field), exc)


class PhotoForm(forms.Form):
    """A photo and its description, for any page that takes pictures (re-encoded by core.images)."""

    image = forms.ImageField(label=_("Photo"), help_text=_("JPEG, PNG, WebP ou GIF ; les métadonnées "
                                                          "(position GPS, appareil) sont retirées."))
    alt = forms.CharField(label=_("Description de la photo"), max_length=200,
                          help_text=_("Une phrase pour les personnes qui ne voient pas l'image."))


# --- amounts in euros --------------------------------------------------------------------------

def euros_for_input(cents: int | None) -> str:
    """1250 → "12,50", 600000 → "6000": what a person would type back."""
    if cents is None:
        return ""
    whole, rest = divmod(int(cents), 100)
    return f"{whole},{rest:02d}" if rest else str(whole)


class EurosField(forms.CharField):
    """An amount typed in euros, cleaned to integer cents."""

    default_error_messages = {
        "min": _("Le montant doit être d'au moins %(min)s."),
        "max": _("Le montant ne peut pas dépasser %(max)s."),
    }

    def __init__(self, *, min_cents: int = 1, max_cents: int = 100_000_000_00, **kwargs):
        self.min_cents, self.max_cents = min_cents, max_cents
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 12})
        return attrs

    def prepare_value(self, value):
        return euros_for_input(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 30:
            raise forms.ValidationError(_("Écrivez un montant en euros, par exemple 12 ou 12,50."), code="invalid")
        try:
            cents = cents_from_euros(value)
        except ValueError as exc:
            raise forms.ValidationError(exc.args[0], code="invalid") from None
        if cents < self.min_cents:
            raise forms.ValidationError(self.error_messages["min"], code="min",
                                        params={"min": euros(self.min_cents)})
        if cents > self.max_cents:
            raise forms.ValidationError(self.error_messages["max"], code="max",
                                        params={"max": euros(self.max_cents)})
        return cents
