from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.places.models import PlaceType, Profile, ServiceKind

from .models import PopulationGrid, Study

#: Checked before reading the upload (the service checks again what it is given).
MAX_GRID_BYTES = 40 * 1024 * 1024
MAX_PREMISES_BYTES = 2 * 1024 * 1024


def _size_checked(upload, limit):
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(_("Le fichier est trop lourd (%(size)d Mo au maximum).")
                                    % {"size": limit // (1024 * 1024)}, code="too_large")
    return upload


class GridForm(forms.Form):
    name = forms.CharField(label=_("Nom du carroyage"), max_length=150,
                           help_text=_("Par exemple « Filosofi 2017, Saint-Étienne »."))
    source = forms.CharField(label=_("Source"), max_length=200, required=False,
                             help_text=_("Par exemple « INSEE, Filosofi 2017, carroyage à 200 m »."))
    file = forms.FileField(label=_("Fichier CSV du carroyage à 200 m"),
                           help_text=_("Format INSEE Filosofi 2015, 2017 ou 2019 : colonnes idcar_200m, ind, men, "
                                       "men_pauv… (majuscules ou minuscules), séparées par « , » ou « ; ». Seuls "
                                       "les carreaux du territoire sont gardés."))

    def clean_file(self):
        return _size_checked(self.cleaned_data["file"], MAX_GRID_BYTES)


class StudyForm(forms.Form):
    REFUSAL_FIELDS = {"study_selection": "service_kinds", "study_radius": "radius_m",
                      "study_suggestions": "suggestions", "study_open_at": "open_weekday",
                      "premises_empty": "premises_file", "premises_columns": "premises_file",
                      "premises_row": "premises_file", "premises_too_many": "premises_file",
                      "study_grid": "grid"}

    title = forms.CharField(label=_("Titre de l'étude"), max_length=150)
    question = forms.CharField(label=_("Question posée"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    grid = forms.ModelChoiceField(label=_("Carroyage de population"), queryset=PopulationGrid.objects.none(),
                                  empty_label=None)
    service_kinds = forms.MultipleChoiceField(
        label=_("Lieux offrant un service de nature…"), choices=ServiceKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choisissez les lieux par nature de service, ou par profil, ou par type (un seul des trois)."))
    profile = forms.ChoiceField(label=_("… ou par profil de lieu"), choices=[("", "—"), *Profile.choices],
                                required=False)
    place_type = forms.ChoiceField(label=_("… ou par type de lieu"), choices=[("", "—"), *PlaceType.choices],
                                   required=False)
    open_weekday = forms.TypedChoiceField(label=_("Seulement les lieux ouverts le"), coerce=int, empty_value=None,
                                          choices=[("", "—"), *Study.Weekday.choices], required=False)
    open_time = forms.TimeField(label=_("à (heure)"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                help_text=_("Le prochain jour de la semaine choisi, jours fériés compris."))
    radius_m = forms.IntegerField(label=_("Distance de couverture (mètres)"), min_value=50, max_value=20_000,
                                  initial=500, help_text=_("Distance à vol d'oiseau, de 50 m à 20 km."))
    candidates = forms.ChoiceField(label=_("Sites candidats"), choices=Study.Candidates.choices,
                                   initial=Study.Candidates.CELLS, widget=forms.RadioSelect)
    premises_file = forms.FileField(label=_("Locaux disponibles (CSV)"), required=False,
                                    help_text=_("Colonnes lat, lon, name ; seulement si les sites candidats sont "
                                                "une liste de locaux."))
    suggestions = forms.IntegerField(label=_("Nombre de sites à suggérer"), min_value=0, max_value=50, initial=5)
    weight_poor = forms.BooleanField(label=_("Pondérer par les ménages pauvres"), required=False,
                                     help_text=_("Les zones mal desservies et les suggestions comptent les ménages "
                                                 "pauvres plutôt que les habitants."))
    published = forms.BooleanField(label=_("Publier l'étude (visible par tous)"), required=False)

    def clean_premises_file(self):
        return _size_checked(self.cleaned_data.get("premises_file"), MAX_PREMISES_BYTES)

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
