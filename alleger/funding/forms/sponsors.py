"""Forms of the sponsors: a matching pool and its top-ups."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.core.forms import EurosField
from alleger.core.numbers import IntegerField
from alleger.organisations.models import Organisation
from alleger.territories.models import Territory

from ..models import MatchingPool, Theme
from .fields import _idempotency_field


class PoolForm(forms.Form):
    sponsor = forms.ModelChoiceField(label=_("Mécène"), queryset=Organisation.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Nom du fonds"), max_length=150)
    description = forms.CharField(label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=Territory.objects.order_by("name"),
                                       empty_label=None)
    theme = forms.ModelChoiceField(label=_("Limité au thème"), queryset=Theme.objects.none(), required=False,
                                   empty_label=_("Tous les thèmes du territoire"))
    initial = EurosField(label=_("Dotation initiale (en euros)"), min_cents=0, required=False)
    trigger = forms.ChoiceField(label=_("Déclenchement"), choices=MatchingPool.Trigger.choices,
                                widget=forms.RadioSelect, initial=MatchingPool.Trigger.FIRST_EURO)
    factor_percent = IntegerField(
        label=_("Taux de doublement (en %)"), min_value=1, max_value=1000, initial=100,
        help_text=_("100 % : 1 € ajouté pour 1 € donné ; 50 % : 0,50 €. Pour un déclenchement dès le premier euro."))
    cap_per_contribution = EurosField(label=_("Plafond par contribution (en euros)"), required=False)
    cap_per_project = EurosField(label=_("Plafond par projet (en euros)"), required=False)
    max_matches_per_contributor = IntegerField(
        label=_("Contributions doublées par personne"), required=False, min_value=1,
        help_text=_("Laissez vide pour ne pas limiter."))
    lump_sum = EurosField(label=_("Somme forfaitaire (en euros)"), required=False,
                          help_text=_("Pour un déclenchement par seuil : versée une fois le seuil atteint."))
    threshold_percent = IntegerField(label=_("Seuil : % de l'objectif atteint par la foule"),
                                           required=False, min_value=1, max_value=200)
    threshold_contributors = IntegerField(label=_("Seuil : nombre de contributeurs"), required=False,
                                                min_value=1)
    idempotency_key = _idempotency_field()

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors
        self.fields["theme"].queryset = Theme.objects.select_related("territory").order_by("territory__name", "name")
        self.fields["theme"].label_from_instance = lambda t: f"{t.name} ({t.territory.name})"

    def clean(self):
        data = super().clean()
        theme, territory = data.get("theme"), data.get("territory")
        if theme is not None and territory is not None and theme.territory_id != territory.pk:
            self.add_error("theme", _("Ce thème appartient à un autre territoire."))
        if data.get("trigger") == MatchingPool.Trigger.LUMP_SUM:
            if not data.get("lump_sum") and "lump_sum" not in self.errors:
                self.add_error("lump_sum", _("Indiquez la somme versée quand le seuil est atteint."))
            if not (data.get("threshold_percent") or data.get("threshold_contributors")):
                self.add_error("threshold_percent",
                               _("Indiquez un seuil : un pourcentage de l'objectif ou un nombre de contributeurs."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        lump = data["trigger"] == MatchingPool.Trigger.LUMP_SUM
        return {
            "sponsor": data["sponsor"], "name": data["name"], "territory": data["territory"],
            "initial_cents": data["initial"] or 0, "idempotency_key": data["idempotency_key"],
            "description": data["description"], "theme": data["theme"], "trigger": data["trigger"],
            "factor_bp": data["factor_percent"] * 100,
            "cap_per_contribution_cents": data["cap_per_contribution"],
            "cap_per_project_cents": data["cap_per_project"],
            "max_matches_per_contributor": data["max_matches_per_contributor"],
            "lump_sum_cents": data["lump_sum"] if lump else None,
            "threshold_percent": data["threshold_percent"] if lump else None,
            "threshold_contributors": data["threshold_contributors"] if lump else None,
        }


class TopUpForm(forms.Form):
    amount = EurosField(label=_("Montant à ajouter (en euros)"))
    idempotency_key = _idempotency_field()
