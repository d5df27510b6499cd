from django import forms
from django.utils.translation import gettext_lazy as _

from . import MAX_BYTES, guess_format


class PlacesImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV ou JSON"),
                           help_text=_("Au schéma « lieux de médiation numérique » v1.0.2 : une ligne par lieu, "
                                       "repérée par sa colonne « id »."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("Le fichier est trop lourd (%(size)d Mo au maximum).")
                                        % {"size": MAX_BYTES // (1024 * 1024)}, code="too_large")
        self.cleaned_data["file_format"] = guess_format(upload.name)
        if self.cleaned_data["file_format"] is None:
            raise forms.ValidationError(_("Le nom du fichier doit finir par .csv ou .json."), code="bad_format")
        return upload
