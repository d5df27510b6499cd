from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from alleger.assets.models import Asset
from alleger.territories.models import Territory

from .models import Proposal

MARKDOWN_HELP = _("Markdown accepté : **gras**, listes, liens.")


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["territory", "kind", "title", "body", "asset"]
        # The asset comes from its page's link (?dispositif=<id>): a select of every asset would not scale.
        widgets = {"body": forms.Textarea(attrs={"rows": 10}), "kind": forms.RadioSelect,
                   "asset": forms.HiddenInput}
        help_texts = {
            # format_lazy: a `+` would translate both halves once, at import, in the default language.
            "body": format_lazy("{}{}", _("Ce que vous proposez, pourquoi, et comment vous imaginez le faire. "),
                                MARKDOWN_HELP),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.order_by("name")
        self.fields["territory"].empty_label = None
        self.fields["asset"].queryset = Asset.objects.filter(moderation=Asset.Moderation.PUBLISHED).order_by("name")
        self.fields["asset"].required = False
        # Radio buttons: no blank « --------- » choice (the field is required)
        self.fields["kind"].choices = [(value, label) for value, label in self.fields["kind"].choices if value]

    def clean(self):
        data = super().clean()
        asset, territory = data.get("asset"), data.get("territory")
        if asset is not None and territory is not None and asset.territory_id != territory.pk:
            self.add_error("asset", _("Ce dispositif n'est pas sur le territoire choisi."))
        return data


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=Proposal.Status.choices)
    answer = forms.CharField(label=_("Réponse officielle"), required=False, max_length=10_000,
                             widget=forms.Textarea(attrs={"rows": 6}),
                             help_text=format_lazy("{}{}", _("Obligatoire pour accepter, refuser ou déclarer "
                                                             "réalisée. "), MARKDOWN_HELP))


class FilterForm(forms.Form):
    territoire = forms.ModelChoiceField(label=_("Territoire"), required=False, to_field_name="slug",
                                        queryset=Territory.objects.order_by("name"),
                                        empty_label=_("Tous les territoires"))
    statut = forms.ChoiceField(label=_("Statut"), required=False,
                               choices=[("", _("Tous les statuts")), *Proposal.Status.choices])
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("Tous les types")), *Proposal.Kind.choices])
    tri = forms.ChoiceField(label=_("Trier par"), required=False,
                            choices=[("recent", _("Les plus récentes")), ("soutiens", _("Les plus soutenues"))])
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
