import datetime as dt

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from alleger.organisations.models import Organisation
from alleger.territories.models import Territory

from . import hours
from .models import Place, PlaceType, Profile, Service, ServiceKind, Sharer
from .services import PLACE_FIELDS, SERVICE_FIELDS, Decision


class When(models.TextChoices):
    ANY = "", _("À tout moment")
    NOW = "maintenant", _("Ouvert maintenant")
    AT = "le", _("Ouvert le jour et à l'heure choisis")


class PlaceFilterForm(forms.Form):
    """The GET filters of the list (and of its map). Unknown values are ignored, never an error page."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100,
                        help_text=_("Un nom, une adresse, un service : « imprimer », « CAF »…"))
    territoire = forms.ChoiceField(label=_("Territoire"), required=False)
    profil = forms.ChoiceField(label=_("Profil"), required=False)
    type = forms.ChoiceField(label=_("Type de lieu"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    quartier = forms.ChoiceField(label=_("Quartier"), required=False)
    ouvert = forms.ChoiceField(label=_("Quand"), required=False, choices=When.choices)
    date = forms.DateField(label=_("Jour"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    heure = forms.TimeField(label=_("Heure"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    pres = forms.CharField(label=_("Près de"), required=False, max_length=100,
                           help_text=_("Un quartier (« Jacquard ») ou « latitude, longitude » (« 45.436, 4.372 ») : "
                                       "les plus proches d'abord."))
    fauteuil = forms.BooleanField(label=_("Accessible en fauteuil roulant"), required=False)

    def __init__(self, data=None, *, territories, neighbourhoods):
        super().__init__(data)
        self.fields["territoire"].choices = [("", _("Tous les territoires"))] + [(t.slug, t.name) for t in territories]
        self.fields["profil"].choices = [("", _("Tous les profils")), *Profile.choices]
        self.fields["type"].choices = [("", _("Tous les types")), *PlaceType.choices]
        self.fields["service"].choices = [("", _("Tous les services")), *ServiceKind.choices]
        self.fields["quartier"].choices = [("", _("Tous les quartiers"))] + neighbourhoods

    def values(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields if name not in self.errors}

    def instant(self, now: dt.datetime) -> dt.datetime | None:
        """The instant the places must be open at, or None (any time)."""
        values = self.values()
        if values.get("ouvert") == When.NOW:
            return now
        if values.get("ouvert") == When.AT or values.get("date") or values.get("heure"):
            local = now.astimezone(hours.local_zone())
            day = values.get("date") or local.date()
            time = values.get("heure") or (local.time() if day == local.date() else dt.time(10))
            return dt.datetime.combine(day, time.replace(second=0, microsecond=0), hours.local_zone())
        return None


class _PlaceFields(forms.ModelForm):
    profiles = forms.MultipleChoiceField(label=_("Profils du lieu"), choices=Profile.choices,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Un lieu peut en avoir plusieurs."))
    shared_by = forms.MultipleChoiceField(label=_("Qui partage ?"), choices=Sharer.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Place
        fields = [f for f in PLACE_FIELDS if f != "shared_by"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "shared_with": forms.Textarea(attrs={"rows": 2}),
            "shared_what": forms.Textarea(attrs={"rows": 2}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "charter": forms.Textarea(attrs={"rows": 4}),
            "community": forms.Textarea(attrs={"rows": 3}),
        }

    def place_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if k in PLACE_FIELDS}


class ProposeForm(_PlaceFields):
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=Territory.objects.order_by("name"),
                                       empty_label=None)
    service_name = forms.CharField(label=_("Premier service (facultatif)"), required=False, max_length=150,
                                   help_text=_("Par exemple « Accueil France Services » ou « Prêt d'outils »."))
    service_kind = forms.ChoiceField(label=_("Nature du service"), required=False, choices=ServiceKind.choices)
    service_hours = forms.CharField(label=_("Horaires du service (syntaxe OpenStreetMap)"), required=False,
                                    max_length=hours.MAX_LENGTH,
                                    help_text=_("Par exemple « Mo-Fr 09:00-12:00,13:30-17:00; PH off » ou "
                                                "« Th 14:00-17:00 »."))
    REFUSAL_FIELDS = {"outside_territory": "lat", "profile_required": "profiles"}

    field_order = ["territory", "name", "place_type", "profiles", "summary", "address", "postcode", "city", "lat",
                   "lon"]

    def clean_service_hours(self):
        value = self.cleaned_data["service_hours"].strip()
        hours.validate(value)
        return value

    def clean(self):
        data = super().clean()
        if data.get("service_hours") and not data.get("service_name"):
            # Hours without a service would be dropped without a word: a place's hours are its services'.
            self.add_error("service_name", _("Nommez le service dont ce sont les horaires (par exemple « Accueil »), "
                                             "ou laissez les horaires vides."))
        return data

    def service(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("service_name"):
            return None
        return {"name": data["service_name"], "kind": data.get("service_kind") or ServiceKind.OTHER,
                "opening_hours": data.get("service_hours", "")}

    def _post_clean(self):
        pass  # the service validates the place (a ModelForm would build an instance without its territory)


class PlaceEditForm(_PlaceFields):
    REFUSAL_FIELDS = {"outside_territory": "lat", "profile_required": "profiles"}

    operator = forms.ModelChoiceField(label=_("Exploitant"), queryset=Organisation.objects.order_by("name"),
                                      required=False,
                                      help_text=_("L'organisation qui gère le lieu ; ses membres le mettent à jour."))

    def __init__(self, *args, can_set_operator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        instance = kwargs.get("instance")
        if instance is not None and not self.is_bound:
            self.initial["profiles"] = instance.profiles
            self.initial["shared_by"] = instance.shared_by
        if not can_set_operator:
            del self.fields["operator"]

    def _post_clean(self):
        pass  # the service changes and validates the place


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = list(SERVICE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        pass  # the service validates (the hours included, with their message)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=Decision.choices)
    message = forms.CharField(label=_("Message à la personne"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Obligatoire pour un refus : expliquez pourquoi."))


class LinkForm(forms.Form):
    label = forms.CharField(label=_("Intitulé du lien"), max_length=100)
    url = forms.URLField(label=_("Adresse du lien"), assume_scheme="https")
