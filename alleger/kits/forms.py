from django import forms
from django.utils.translation import gettext_lazy as _

from alleger.organisations.selectors import organisations_of
from alleger.territories.models import Territory

from .models import SECTION_MAX_LENGTH, Kit
from .services import Decision

MARKDOWN_HELP = _("Markdown accepté : **gras**, listes numérotées, liens.")


class AssetTypeChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.territory.name})"


class KitForm(forms.ModelForm):
    asset_types = AssetTypeChoice(
        label=_("Types de dispositif concernés"), required=False, widget=forms.CheckboxSelectMultiple,
        queryset=None,  # set in __init__
        help_text=_("Les pieds d'arbre, bancs, murs… sur lesquels ce kit permet d'agir, dans le territoire du kit."))
    note = forms.CharField(label=_("Note de modification"), max_length=200, required=False,
                           help_text=_("En une phrase, ce que vous avez changé ; elle apparaît dans l'historique."))

    class Meta:
        model = Kit
        fields = ["title", "summary", "territory", "organisation", "category", "axis", "level", "group_size",
                  "duration", "frequency", *Kit.SECTIONS]
        widgets = {name: forms.Textarea(attrs={"rows": 6, "maxlength": SECTION_MAX_LENGTH}) for name in Kit.SECTIONS}
        help_texts = {name: MARKDOWN_HELP for name in Kit.SECTIONS}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.order_by("name")
        # Django's « --------- » says nothing: each empty choice says what it means here.
        self.fields["territory"].empty_label = _("— Valable partout —")
        self.fields["organisation"].empty_label = _("— À titre personnel —")
        for name in ("category", "axis"):
            self.fields[name].choices = [("", _("— Choisissez —")), *self.fields[name].choices[1:]]
        # One signs a kit only for an organisation one belongs to (keep the current one when editing).
        organisations = organisations_of(user)
        if self.instance.pk and self.instance.organisation_id:
            organisations = organisations | type(self.instance.organisation).objects.filter(
                pk=self.instance.organisation_id)
        self.fields["organisation"].queryset = organisations.distinct()
        self.fields["organisation"].help_text = _("Facultatif : l'organisation qui signe ce kit avec vous.")
        # Asset types are assets' (each lists the kits that apply to it, and assets sit above kits):
        # reached through that relation, not imported.
        asset_type = Kit._meta.get_field("asset_types").related_model
        self.fields["asset_types"].queryset = asset_type.objects.select_related("territory") \
            .order_by("territory__name", "name")
        if self.instance.pk:
            self.fields["asset_types"].initial = list(self.instance.asset_types.all())



class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=Decision.choices)
    message = forms.CharField(label=_("Message à l'auteur"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Obligatoire pour un refus : expliquez ce qui manque."))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)
    axis = forms.ChoiceField(label=_("Axe"), required=False, choices=[("", _("Tous les axes")), *Kit.Axis.choices])
    category = forms.ChoiceField(label=_("Catégorie"), required=False,
                                 choices=[("", _("Toutes les catégories")), *Kit.Category.choices])
    level = forms.TypedChoiceField(label=_("Niveau d'expertise"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("Tous les niveaux")), *Kit.Level.choices])
    territory = forms.ModelChoiceField(label=_("Territoire"), required=False, to_field_name="slug",
                                       queryset=Territory.objects.order_by("name"),
                                       empty_label=_("Tous les territoires"))


class DiffForm(forms.Form):
    de = forms.TypedChoiceField(label=_("Version de départ"), coerce=int)
    a = forms.TypedChoiceField(label=_("Version d'arrivée"), coerce=int)

    def __init__(self, *args, numbers, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(n, _("version %(number)d") % {"number": n}) for n in numbers]
        self.fields["de"].choices = choices
        self.fields["a"].choices = choices


class KitImageForm(forms.Form):
    image = forms.ImageField(label=_("Image"), help_text=_("JPEG, PNG, WebP ou GIF."))
    alt = forms.CharField(label=_("Description de l'image"), max_length=200,
                          help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."))
    step = forms.IntegerField(label=_("Étape illustrée"), min_value=1, max_value=99, required=False,
                              help_text=_("Le numéro de l'étape ; laissez vide pour illustrer le kit entier."))
