"""Fields shared by the funding forms: idempotency keys, Markdown help (amounts in euros: core.forms.EurosField)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


def _idempotency_field():
    return forms.CharField(widget=forms.HiddenInput, max_length=80, initial=lambda: uuid.uuid4().hex)


def _markdown_help():
    return _("Markdown accepté : **gras**, *italique*, listes, liens.")
