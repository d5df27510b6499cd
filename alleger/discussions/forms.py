from django import forms
from django.utils.translation import gettext_lazy as _

from .models import COMMENT_MAX_LENGTH, Reason
from .services import Decision

MARKDOWN_HELP = _("Markdown accepté : **gras**, *italique*, listes, liens.")
EMPTY_COMMENT = _("Le commentaire est vide : écrivez quelques mots avant de l'envoyer.")


class CommentForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=60)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    body = forms.CharField(label=_("Votre commentaire"), max_length=COMMENT_MAX_LENGTH, help_text=MARKDOWN_HELP,
                           widget=forms.Textarea(attrs={"rows": 5}), error_messages={"required": EMPTY_COMMENT})
    is_question = forms.BooleanField(label=_("C'est une question (l'auteur pourra la marquer comme répondue)"),
                                     required=False)


class CommentEditForm(forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=COMMENT_MAX_LENGTH, help_text=MARKDOWN_HELP,
                           widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": EMPTY_COMMENT})


class FlagForm(forms.Form):
    target = forms.CharField(widget=forms.HiddenInput, max_length=60)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    reason = forms.ChoiceField(label=_("Raison du signalement"), choices=Reason.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Choisissez la raison du signalement.")})
    text = forms.CharField(label=_("Précisions"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Obligatoires si vous choisissez « Autre raison »."))

    def clean(self):
        data = super().clean()
        if data.get("reason") == Reason.OTHER and not data.get("text", "").strip():
            self.add_error("text", _("Précisez la raison du signalement."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=Decision.choices,
                                 error_messages={"required": _("Choisissez une décision.")})
    reason = forms.CharField(label=_("Motif (envoyé à l'auteur ; obligatoire pour un retrait)"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.REMOVE and not data.get("reason", "").strip():
            self.add_error("reason", _("Indiquez le motif du retrait : il sera envoyé à l'auteur."))
        return data
