"""What the apps' forms share: one way to show a service's refusal on a form, and the photo form."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
