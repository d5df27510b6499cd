from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "territory", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"description": _("Markdown accepté : **gras**, listes, liens.")}


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte"),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Membership.Role.choices)
