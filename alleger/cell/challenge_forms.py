"""The cell's forms for challenges (create and edit, workshops, indicators, links and decisions)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .challenge_services import workshop_rooms
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


class WorkshopReportForm(forms.ModelForm):
    """After the workshop (or to correct it): who came, how many, and its minutes."""

    REFUSAL_FIELDS = {"invalid": "participants_count", "too_long": "minutes"}

    class Meta:
        model = Workshop
        fields = ["participants_count", "participants", "minutes"]
        labels = {"participants_count": _("Nombre de participants venus"), "participants": _("Qui était là")}
        help_texts = {"participants": _("Public, comme le compte rendu (la page du défi et ses données ouvertes) : "
                                        "nommez des groupes plutôt que des personnes."),
                      "minutes": _("Markdown. Public, sur la page du défi et dans ses données ouvertes.")}
        widgets = {"minutes": forms.Textarea(attrs={"rows": 12})}


class WorkshopForm(forms.ModelForm):
    """Where: a bookable room of a shared place of the territory (booked on saving), or, for a place that is
    not on the platform, its name (and maybe a link). Exactly one of the two."""

    REFUSAL_FIELDS = {"place_required": "room", "place_twice": "place_name", "ends_before": "ends_at",
                      "end_required": "ends_at", "invalid_range": "ends_at", "room_unknown": "room",
                      "too_long": "ends_at", "invalid": "participants_count"}

    class Meta:
        model = Workshop
        fields = ["held_at", "ends_at", "room", "place_name", "place_url", "participants_count", "participants",
                  "minutes"]
        labels = {"held_at": _("Début de l'atelier"), "ends_at": _("Fin de l'atelier"),
                  "place_name": _("Ou bien : un lieu qui n'est pas sur la plateforme"),
                  "participants_count": _("Nombre de participants (attendus, ou venus)"),
                  "participants": _("Participants (attendus, ou venus)")}
        help_texts = {
            "ends_at": _("Obligatoire pour réserver une salle."),
            "room": _("La salle est réservée à votre nom, aux règles de toute réservation (horaires, créneaux, "
                      "délais, conflits) ; si elle ne peut pas l'être, rien n'est enregistré."),
            "place_name": _("Son nom et son adresse, si l'atelier n'a pas lieu dans une salle proposée."),
        }
        widgets = {"held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                   "minutes": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        room.queryset = workshop_rooms(territory)
        room.required = False
        room.empty_label = _("Aucune : l'atelier a lieu ailleurs")

    def clean(self):
        data = super().clean()
        room, place_name = data.get("room"), (data.get("place_name") or "").strip()
        if "room" in self.errors or "place_name" in self.errors:
            return data
        if room is None and not place_name:
            self.add_error("room", _("Choisissez une salle d'un lieu partagé ou dites où l'atelier a lieu."))
        elif room is not None and place_name:
            self.add_error("place_name", _("Choisissez une salle d'un lieu partagé ou nommez un autre lieu, pas "
                                           "les deux."))
        elif room is not None and data.get("ends_at") is None and "ends_at" not in self.errors:
            self.add_error("ends_at", _("Pour réserver la salle, donnez l'heure de fin de l'atelier."))
        return data

    def _post_clean(self):
        # The service checks the rest (and the database its constraints): nothing to validate on the instance,
        # whose challenge is not set yet.
        pass


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


class PlaceProposeForm(forms.Form):
    """A place's manager proposes it to one of the territory's open challenges (from the place's page)."""

    challenge = forms.ModelChoiceField(label=_("Défi"), queryset=Challenge.objects.none())
    note = forms.CharField(label=_("En quoi il répond au défi"), max_length=500, required=False)

    def __init__(self, *args, place, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenge"].queryset = Challenge.objects.filter(territory_id=place.territory_id,
                                                                     status=Challenge.Status.OPEN)


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
