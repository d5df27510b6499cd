from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.assets.models import Asset
from alleger.core.location import LocationField
from alleger.kits.models import Kit
from alleger.territories.models import Territory

from .models import Intervention

MARKDOWN_HELP = _("Markdown accepté : **gras**, listes, liens.")
CHARTER_LABEL = _("J'ai lu et j'accepte la charte du kit (ses règles, ses responsabilités et son entretien).")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeclareForm(forms.Form):
    """Declare an intervention. The asset (from its page) or a free point in a territory."""

    kit = forms.ModelChoiceField(label=_("Kit"), queryset=Kit.objects.none(), to_field_name="slug",
                                 empty_label=_("Choisissez un kit publié"))
    dispositif = forms.ModelChoiceField(
        label=_("Dispositif"), required=False, queryset=Asset.objects.none(), widget=forms.HiddenInput)
    territory = forms.ModelChoiceField(
        label=_("Territoire"), required=False, queryset=Territory.objects.order_by("name"), to_field_name="slug",
        empty_label=_("Choisissez un territoire"),
        help_text=_("Pour une intervention hors d'un dispositif : le territoire du lieu."))
    location = LocationField(label=_("Lieu"), required=False, help_text=_(
        "Hors dispositif : cliquez sur la carte pour placer le lieu, ou saisissez ses coordonnées (latitude, "
        "longitude), par exemple « 45.4397, 4.3872 »."))
    title = forms.CharField(label=_("Titre"), max_length=150)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}),
                                  help_text=MARKDOWN_HELP, max_length=20_000)
    starts_on = forms.DateField(label=_("Début prévu"), widget=DateInput(),
                                help_text=_("Au format JJ/MM/AAAA ou AAAA-MM-JJ."),
                                input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    ends_on = forms.DateField(label=_("Fin prévue"), required=False, widget=DateInput(),
                              input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    organisation = forms.ModelChoiceField(
        label=_("Au nom de l'organisation"), required=False, queryset=None,
        empty_label=_("À titre personnel"),
        help_text=_("Au nom d'une entreprise, vous intervenez comme acteur privé : certains dispositifs ne "
                    "l'acceptent pas."))
    project = forms.ModelChoiceField(
        label=_("Financée par le projet"), required=False, queryset=None, empty_label=_("Aucun"),
        help_text=_("Un projet de financement participatif que vous portez."))
    charter = forms.BooleanField(label=CHARTER_LABEL, required=False)

    def __init__(self, *args, kits, organisations, projects, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kit"].queryset = kits
        self.fields["dispositif"].queryset = assets
        self.fields["organisation"].queryset = organisations
        self.fields["project"].queryset = projects
        if not projects.exists():
            del self.fields["project"]

    def clean_charter(self):
        if not self.cleaned_data.get("charter"):
            raise forms.ValidationError(_("Vous devez accepter la charte du kit pour déclarer l'intervention."),
                                        code="charter_not_accepted")
        return True

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("La fin prévue ne peut pas précéder le début."))
        if not data.get("dispositif") and "dispositif" not in self.errors:
            if not data.get("territory") and "territory" not in self.errors:
                self.add_error("territory", _("Choisissez le territoire du lieu."))
            if data.get("location") is None and "location" not in self.errors:
                self.add_error("location", _("Indiquez la position du lieu."))
        return data


class JoinForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Au nom de l'organisation"), required=False, queryset=None,
                                          empty_label=_("À titre personnel"))
    charter = forms.BooleanField(label=CHARTER_LABEL, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if not organisations.exists():
            del self.fields["organisation"]

    def clean_charter(self):
        if not self.cleaned_data.get("charter"):
            raise forms.ValidationError(_("Vous devez accepter la charte du kit pour rejoindre l'intervention."),
                                        code="charter_not_accepted")
        return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class JournalForm(forms.Form):
    text = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 5}), help_text=MARKDOWN_HELP,
                           max_length=20_000)
    photos = MultipleImageField(label=_("Photos"), required=False,
                                help_text=_("Jusqu'à 6 photos (JPEG, PNG, WebP) ; leurs métadonnées (position GPS…) "
                                            "sont effacées."))
    photo_alt = forms.CharField(label=_("Description des photos"), required=False, max_length=180,
                                help_text=_("Obligatoire avec des photos : ce qu'elles montrent, pour les personnes "
                                            "qui ne les voient pas."))

    def clean(self):
        data = super().clean()
        if data.get("photos") and not (data.get("photo_alt") or "").strip():
            self.add_error("photo_alt", _("Décrivez les photos en quelques mots."))
        if len(data.get("photos") or []) > 6:
            self.add_error("photos", _("6 photos au plus par entrée."))
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=())

    def __init__(self, *args, intervention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, Intervention.Status(s).label)
                                         for s in Intervention.TRANSITIONS[intervention.status]]


class SearchForm(forms.Form):
    territoire = forms.ModelChoiceField(label=_("Territoire"), required=False, to_field_name="slug",
                                        queryset=Territory.objects.order_by("name"),
                                        empty_label=_("Tous les territoires"))
    statut = forms.ChoiceField(label=_("Statut"), required=False,
                               choices=[("", _("Tous les statuts")), *Intervention.Status.choices])
    kit = forms.ModelChoiceField(label=_("Kit"), required=False, to_field_name="slug",
                                 queryset=Kit.objects.filter(status=Kit.Status.PUBLISHED).order_by("title"),
                                 empty_label=_("Tous les kits"))
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)


class ProjectLinkForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Projet de financement participatif"), required=False, queryset=None,
                                     empty_label=_("Aucun"),
                                     help_text=_("Un projet que vous portez et qui finance cette intervention."))

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
