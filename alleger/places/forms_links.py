from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PlaceType


class PlaceTypesForm(forms.Form):
    place_types = forms.MultipleChoiceField(
        label=_("Ce kit s'applique aussi aux types de lieu"), choices=PlaceType.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
