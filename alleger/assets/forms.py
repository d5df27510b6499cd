from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from alleger.territories.models import Territory

from . import imports
from .models import Asset, AssetType
from .services import Decision


class AssetFilterForm(forms.Form):
    """The GET filters of the asset list (and of the map). Unknown values are ignored, never an error page."""

    territoire = forms.ChoiceField(label=_("Territoire"), required=False)
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    statut = forms.ChoiceField(label=_("Statut"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    kit = forms.ChoiceField(label=_("Kit applicable"), required=False)
    quartier = forms.ChoiceField(label=_("Quartier"), required=False)

    def __init__(self, data=None, *, territories, types, kits, neighbourhoods):
        super().__init__(data)
        self.fields["territoire"].choices = [("", _("Tous les territoires"))] + [(t.slug, t.name) for t in territories]
        self.fields["statut"].choices = [("", _("Tous les statuts")), *Asset.Status.choices]
        self.fields["type"].choices = [("", _("Tous les types"))] + types
        self.fields["kit"].choices = [("", _("Tous les kits"))] + kits
        self.fields["quartier"].choices = [("", _("Tous les quartiers"))] + neighbourhoods

    def values(self) -> dict:
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields if name not in self.errors}


class _TypeOfTheTerritory(forms.Form):
    """A form with a territory and an asset type: the type must be one of that territory's."""

    def clean(self):
        data = super().clean()
        territory, asset_type = data.get("territory"), data.get("asset_type")
        if territory and asset_type and asset_type.territory_id != territory.pk:
            self.add_error("asset_type", _("Ce type de dispositif n'existe pas dans ce territoire."))
        return data


class ProposeForm(_TypeOfTheTerritory):
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=Territory.objects.order_by("name"),
                                       empty_label=None)
    # No type chosen for the person: the first one of the list made a flower box a tool cabinet.
    asset_type = forms.ModelChoiceField(label=_("Type de dispositif"), queryset=AssetType.objects.none(),
                                        empty_label=_("— Choisissez un type —"))
    name = forms.CharField(label=_("Nom"), max_length=150,
                           help_text=_("Par exemple : « Pied d'arbre devant le 12 rue de la Paix »."))
    description = forms.CharField(label=_("Ce que c'est"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90,
                           help_text=_("En degrés décimaux, par exemple 45.4397 (clic droit sur une carte en ligne)."))
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180,
                           help_text=_("En degrés décimaux, par exemple 4.3872."))
    status = forms.ChoiceField(label=_("Statut aujourd'hui"), choices=Asset.Status.choices,
                               initial=Asset.Status.OPENABLE)
    message = forms.CharField(label=_("Pourquoi le proposer ?"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asset_type"].queryset = AssetType.objects.select_related("territory").order_by(
            "territory__name", "name")
        self.fields["asset_type"].label_from_instance = lambda t: f"{t.name} ({t.territory.name})"



class OpeningForm(forms.Form):
    message = forms.CharField(label=_("Ce que vous aimeriez y faire"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=Decision.choices)
    message = forms.CharField(label=_("Message à la personne"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Obligatoire pour un refus : expliquez pourquoi."))


class RevealForm(forms.Form):
    accept = forms.BooleanField(label=_("J'ai lu la charte de l'armoire et je m'engage à la respecter"),
                                error_messages={"required": _("Acceptez la charte pour obtenir le code.")})


class CabinetCodeForm(forms.Form):
    """A padlock's or a key safe's code: digits, as its dials show them (from 3 to 10)."""

    code = forms.CharField(label=_("Nouveau code"), max_length=10, min_length=3,
                           help_text=_("De 3 à 10 chiffres, tels que sur le cadenas ou la boîte à clés."),
                           validators=[RegexValidator(r"^[0-9]+$", _("Le code ne comporte que des chiffres, "
                                                                     "sans espace ni lettre."))],
                           widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))


class ImportForm(_TypeOfTheTerritory):
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=Territory.objects.none(), empty_label=None)
    asset_type = forms.ModelChoiceField(label=_("Type par défaut"), queryset=AssetType.objects.none(),
                                        empty_label=None,
                                        help_text=_("Donné aux lignes sans colonne « type »."))
    file = forms.FileField(label=_("Fichier CSV ou GeoJSON"),
                           help_text=_("Colonnes : id, lat, lon (ou geo_point_2d), nom, statut… "
                                       "Voir la documentation ci-dessous."))
    dry_run = forms.BooleanField(label=_("Essai à blanc : vérifier sans rien écrire"), required=False)

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories
        self.fields["asset_type"].queryset = AssetType.objects.filter(territory__in=territories).select_related(
            "territory").order_by("territory__name", "name")
        self.fields["asset_type"].label_from_instance = lambda t: f"{t.name} ({t.territory.name})"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_BYTES:
            raise forms.ValidationError(_("Le fichier est trop lourd (%(size)d Mo au maximum).")
                                        % {"size": imports.MAX_BYTES // (1024 * 1024)}, code="too_large")
        self.cleaned_data["file_format"] = imports.guess_format(upload.name)
        if self.cleaned_data["file_format"] is None:
            raise forms.ValidationError(_("Le nom du fichier doit finir par .csv, .geojson ou .json."),
                                        code="bad_format")
        return upload

