from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.places.models import Place


class ProjectPlaceForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Ce projet crée le lieu"), queryset=Place.objects.none(), required=False,
        empty_label=_("Aucun lieu"),
        help_text=_("Un lieu partagé publié du territoire : la page du lieu renverra vers votre projet."))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = Place.objects.filter(
            territory_id=project.territory_id, moderation=Place.Moderation.PUBLISHED).order_by("name", "pk")
