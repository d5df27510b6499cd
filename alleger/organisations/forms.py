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


class SponsorshipRequestForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=None)
    message = forms.CharField(label=_("Ce que l'organisation propose"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("Abonder des fonds de doublement, prêter du matériel, soutenir des projets…"))

    def __init__(self, *args, **kwargs):
        from alleger.territories.models import Territory

        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.order_by("name")


class SponsorshipDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(label=_("Décision"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                    choices=[("1", _("Accepter")), ("0", _("Refuser"))])
    reason = forms.CharField(label=_("Motif (obligatoire pour un refus)"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))
