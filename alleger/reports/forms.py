from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.assets.models import AssetType
from alleger.kits.models import Kit

from .models import ReportCategory, ServiceAttribute, Status


def attribute_field(attribute: ServiceAttribute) -> forms.Field:
    D = ServiceAttribute.Datatype
    common = {"label": attribute.description, "required": attribute.required,
              "help_text": attribute.datatype_description}
    choices = [(str(v.get("key")), v.get("name") or v.get("key")) for v in attribute.values if isinstance(v, dict)]
    if attribute.datatype == D.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if attribute.datatype == D.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if attribute.datatype == D.NUMBER:
        return forms.FloatField(**common)
    if attribute.datatype == D.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)
    if attribute.datatype == D.DATETIME:
        common["help_text"] = common["help_text"] or _("Par exemple : 2024-05-31T14:00:00+02:00")
    return forms.CharField(max_length=300, **common)


class ReportForm(forms.Form):
    """A report in one category; its questions come from the category. Works without JavaScript:
    the map only fills the latitude and longitude fields."""

    description = forms.CharField(label=_("Description du problème"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("Ce que vous voyez, depuis quand, ce qui est dangereux."))
    address = forms.CharField(label=_("Adresse ou repère"), max_length=250, required=False,
                              help_text=_("Par exemple : « 12 rue de la République, devant la boulangerie ». "
                                          "Obligatoire si vous n'indiquez pas de point."))
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                           help_text=_("Cliquez sur la carte pour la remplir, ou saisissez-la (ex. 45.4397)."))
    lon = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                           help_text=_("Par exemple 4.3872."))
    photo = forms.FileField(label=_("Photo (facultative)"), required=False,
                            help_text=_("JPEG, PNG, WebP ou GIF. Les métadonnées (position, appareil) sont retirées."))
    show_name = forms.BooleanField(label=_("Afficher mon nom sur la page du signalement"), required=False,
                                   help_text=_("Sinon, le signalement est public mais anonyme."))

    def __init__(self, *args, category: ReportCategory, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.fields["photo"].widget.attrs["accept"] = "image/*"
        for attribute in category.attributes.order_by("order", "code"):
            self.fields[f"attr_{attribute.code}"] = attribute_field(attribute)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not self.errors.get("lat") and not self.errors.get("lon"):
            self.add_error("lon" if lat is not None else "lat",
                           _("Indiquez la latitude et la longitude ensemble."))
        if lat is None and lon is None and not data.get("address") and "lat" not in self.errors:
            self.add_error("address", _("Indiquez où se trouve le problème : un point sur la carte ou une adresse."))
        return data

    def attribute_fields(self):
        return [self[name] for name in self.fields if name.startswith("attr_")]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        attributes = {name.removeprefix("attr_"): value for name, value in data.items()
                      if name.startswith("attr_") and value not in (None, "", [])}
        attributes = {code: (value if isinstance(value, list) else f"{value:g}" if isinstance(value, float) else value)
                      for code, value in attributes.items()}
        return {"description": data["description"], "address": data.get("address", ""), "lat": data.get("lat"),
                "lon": data.get("lon"), "photo": data.get("photo"), "show_name": data.get("show_name", False),
                "attributes": attributes}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=Status.choices)
    note = forms.CharField(label=_("Note pour la personne qui a signalé"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Elle apparaît sur la page du signalement et part par e-mail."))
    duplicate_of = forms.IntegerField(label=_("N° du signalement d'origine"), required=False, min_value=1,
                                      help_text=_("Seulement pour un doublon."))

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.DUPLICATE and not data.get("duplicate_of") and "duplicate_of" not in self.errors:
            self.add_error("duplicate_of", _("Indiquez le signalement d'origine de ce doublon."))
        return data


class FilterForm(forms.Form):
    statut = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous les statuts")),
                                                                          *Status.choices])
    categorie = forms.ChoiceField(label=_("Catégorie"), required=False)
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", _("Toutes les catégories")),
                                            *[(c.service_code, c.name) for c in categories]]

    def values(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ReportCategory
        fields = ["name", "service_code", "description", "group", "keywords", "service_name", "service_email",
                  "service_notice", "kits", "asset_types", "active", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "kits": forms.CheckboxSelectMultiple,
                   "asset_types": forms.CheckboxSelectMultiple}

    def __init__(self, *args, territory, **kwargs):
        super().__init__(*args, **kwargs)
        self.territory = territory
        self.instance.territory = territory
        self.fields["kits"].queryset = Kit.objects.filter(status=Kit.Status.PUBLISHED).order_by("title")
        self.fields["kits"].required = False
        self.fields["asset_types"].queryset = AssetType.objects.filter(territory=territory).order_by("name")
        self.fields["asset_types"].required = False
