"""The cell's forms for challenges (create and edit, workshops, indicators, links and decisions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Challenge, ResponseKind, Workshop

DATE = {"type": "date"}


class ChallengeForm(forms.ModelForm):
    REFUSAL_FIELDS = {"period_reversed": "ends_on"}

    class Meta:
        model = Challenge
        fields = ["title", "problem", "neighbourhoods", "indicators", "starts_on", "ends_on", "status"]
        widgets = {"starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "ends_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
                   "neighbourhoods": forms.CheckboxSelectMultiple,
                   "problem": forms.Textarea(attrs={"rows": 8}), "indicators": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"indicators": _("Par exemple : « tonnes de biodéchets compostées, emplois locaux »."),
                      "status": _("Un brouillon n'est visible que de la cellule.")}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = territory.neighbourhoods.order_by("name")
        self.fields["neighbourhoods"].required = False


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["held_at", "place_name", "place_url", "participants_count", "participants", "minutes"]
        widgets = {"held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "minutes": forms.Textarea(attrs={"rows": 6})}


class IndicatorUploadForm(forms.Form):
    name = forms.CharField(label=_("Nom de la série"), max_length=120,
                           help_text=_("Par exemple : « Biodéchets compostés ». Une série existante est complétée."))
    file = forms.FileField(label=_("Fichier CSV"),
                           help_text=_("Une ligne par valeur : date;quartier;valeur;unité (virgule ou "
                                       "point-virgule, virgule décimale acceptée ; quartier vide pour tout le "
                                       "territoire). Exemple : 2026-03-02;cret-de-roch;12,5;kg"))


class ProposeForm(forms.Form):
    target = forms.ChoiceField(label=_("Ce que vous proposez"))
    note = forms.CharField(label=_("En quoi il répond au défi"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, proposable: dict, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(ResponseKind.choices)
        self.objects = {}
        choices = []
        for kind, items in proposable.items():
            group = []
            for obj in items:
                key = f"{kind}:{obj.pk}"
                self.objects[key] = (kind, obj)
                group.append((key, str(obj)))
            if group:
                choices.append((labels[kind], group))
        self.fields["target"].choices = choices

    def clean_target(self):
        return self.objects[self.cleaned_data["target"]]


class LinkForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=ResponseKind.choices)
    ref = forms.CharField(label=_("Identifiant ou adresse"), max_length=200,
                          help_text=_("Le numéro de l'objet, son identifiant (slug) ou l'adresse de sa page."))
    note = forms.CharField(label=_("En quoi il répond au défi"), max_length=500, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=[("accept", _("Accepter")), ("decline", _("Décliner"))],
                                 widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Motif"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Obligatoire pour décliner ; la personne qui a proposé le lira."))
