from django import forms
from django.utils.translation import gettext_lazy as _

from .levels import LEVELS


class GrantForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Niveau accordé"), coerce=int,
                                   choices=[(lv.number, f"{lv.number} — {lv.name}") for lv in LEVELS],
                                   help_text=_("Un plancher : la personne ne descendra pas en dessous. Accordez 0 "
                                               "pour retirer un plancher précédent."))
    territory = forms.ModelChoiceField(label=_("Au titre du territoire"), queryset=None, required=False,
                                       empty_label=_("Aucun (équipe de la plateforme)"))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                             help_text=_("Il reste dans l'historique de la personne."))

    def __init__(self, *args, territories, allow_none: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories
        if not allow_none:
            self.fields["territory"].required = True
            self.fields["territory"].empty_label = None
