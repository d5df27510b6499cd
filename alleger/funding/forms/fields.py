"""Fields shared by the funding forms: amounts typed in euros, idempotency keys, Markdown help."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.core.numbers import cents_from_euros
from alleger.core.templatetags.alleger import euros


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


def _idempotency_field():
    return forms.CharField(widget=forms.HiddenInput, max_length=80, initial=lambda: uuid.uuid4().hex)


def _markdown_help():
    return _("Markdown accepté : **gras**, *italique*, listes, liens.")
