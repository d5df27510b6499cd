"""Forms of the project pages: the list's filters, a project, its rewards, needs, review and news."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alleger.core import numbers
from alleger.core.forms import EurosField, euros_for_input
from alleger.core.location import LocationField, Point
from alleger.core.numbers import IntegerField
from alleger.core.templatetags.alleger import euros, semicolon
from alleger.organisations.models import Organisation
from alleger.territories.models import Territory

from ..models import Call, Need, Project, Theme
from ..services.projects import Decision
from .fields import _markdown_help

# --- listing ------------------------------------------------------------------


class ProjectFilterForm(forms.Form):
    """The GET filters of the project list. Unknown values are ignored, never an error page."""

    territoire = forms.ChoiceField(label=_("Territoire"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    statut = forms.ChoiceField(label=_("État"), required=False)
    quartier = forms.ChoiceField(label=_("Quartier"), required=False)
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=100)

    def __init__(self, data=None, *, territories, themes, neighbourhoods, statuses):
        super().__init__(data)
        self.fields["territoire"].choices = [("", _("Tous les territoires"))] + [(t.slug, t.name) for t in territories]
        self.fields["theme"].choices = [("", _("Tous les thèmes"))] + themes
        self.fields["statut"].choices = [("", _("Tous les états"))] + statuses
        self.fields["quartier"].choices = [("", _("Tous les quartiers"))] + neighbourhoods

    def values(self) -> dict:
        """The valid filters only: a stale link with a removed theme still lists projects."""
        self.is_valid()
        return {name: self.cleaned_data.get(name) or "" for name in self.fields if name not in self.errors}


# --- projects -----------------------------------------------------------------


class ProjectForm(forms.Form):
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=Territory.objects.order_by("name"),
                                       empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("Porté par"), queryset=Organisation.objects.none(), required=False,
        empty_label=_("Moi-même, à titre personnel"),
        help_text=_("Une organisation dont vous êtes membre, ou vous-même."))
    title = forms.CharField(label=_("Titre"), max_length=120)
    summary = forms.CharField(label=_("Résumé"), max_length=280, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("Une ou deux phrases, 280 caractères au plus : elles apparaissent dans "
                                          "la liste et quand la page est partagée."))
    story = forms.CharField(label=_("Histoire du projet"), widget=forms.Textarea(attrs={"rows": 12}),
                            help_text=_markdown_help)
    image = forms.ImageField(label=_("Image"), required=False,
                             help_text=_("JPEG, PNG ou WebP. Les métadonnées (position GPS…) sont retirées."))
    image_alt = forms.CharField(label=_("Description de l'image"), max_length=200, required=False,
                                help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."))
    location = LocationField(label=_("Lieu (facultatif)"), required=False)
    # Offered for every territory until one is chosen: one of another territory is said so, not « 7 n'en fait
    # pas partie ».
    themes = forms.ModelMultipleChoiceField(
        label=_("Thèmes"), queryset=Theme.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Ce thème n'est pas celui du territoire choisi : choisissez parmi les "
                                            "thèmes de ce territoire.")})
    call = forms.ModelChoiceField(
        label=_("Appel à projets"), queryset=Call.objects.none(), required=False, empty_label=_("Aucun"),
        error_messages={"invalid_choice": _("Cet appel à projets n'est pas celui du territoire choisi.")})
    goal = EurosField(label=_("Objectif minimal (en euros)"),
                      help_text=_("En dessous de ce montant à la fin de la campagne, personne ne paie."))
    duration_days = IntegerField(label=_("Durée de la campagne (en jours)"), min_value=1, max_value=365)
    accepts_donation = forms.BooleanField(label=_("Accepter les dons"), required=False, initial=True)
    accepts_loan = forms.BooleanField(label=_("Accepter les prêts sans intérêt"), required=False)
    loan_term_months = IntegerField(
        label=_("Remboursement des prêts (en mois)"), required=False, min_value=1, max_value=120,
        help_text=_("Nombre de mensualités égales, la première un mois après la fin de la campagne."))

    #: Refusal codes of the territory rules, and the field they concern.
    REFUSAL_FIELDS = {"goal_too_high": "goal", "bad_duration": "duration_days"}

    def __init__(self, *args, user, territory=None, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The person's organisations, and the one already carrying the project (an admin may edit it).
        mine = Q(memberships__user=user) | Q(pk=project.organisation_id) if project else Q(memberships__user=user)
        self.fields["organisation"].queryset = Organisation.objects.filter(mine).distinct().order_by("name")
        chosen = str(self.data.get("territory", "")) if self.is_bound else ""
        if numbers.is_digits(chosen):
            # The themes and calls offered follow the territory being submitted.
            territory = Territory.objects.filter(pk=int(chosen)).first() or territory
        themes = Theme.objects.select_related("territory").order_by("territory__name", "name")
        calls = Call.objects.select_related("territory").order_by("territory__name", "-opens_at")
        territories = list(Territory.objects.order_by("name"))
        if territory is not None:
            themes, calls, shown = themes.filter(territory=territory), calls.filter(territory=territory), [territory]
            self.fields["themes"].label_from_instance = lambda t: t.name
            self.fields["call"].label_from_instance = lambda c: c.title
        else:
            shown = territories
            self.fields["themes"].label_from_instance = lambda t: f"{t.name} ({t.territory.name})"
            self.fields["call"].label_from_instance = lambda c: f"{c.title} ({c.territory.name})"
        self.fields["themes"].queryset = themes
        self.fields["call"].queryset = calls
        self.fields["location"].widget.bbox = territory.bbox if territory is not None else None
        # « ; » as the language writes it (a space before it in French)
        limits = (semicolon() + " ").join(
            _("%(name)s : de %(min)s à %(max)s jours") % {"name": t.name, "min": t.campaign_min_days,
                                                          "max": t.campaign_max_days} for t in shown)
        self.fields["duration_days"].help_text = _("Selon le territoire. %(limits)s.") % {"limits": limits}
        goals = (semicolon() + " ").join(
            _("%(name)s : %(max)s au plus") % {"name": t.name, "max": euros(t.max_goal_cents)} for t in shown)
        self.fields["goal"].help_text = _(
            "En dessous de ce montant à la fin de la campagne, personne ne paie. Petits projets seulement : "
            "%(limits)s.") % {"limits": goals}
        loans = [t.name for t in shown if t.allow_loan]
        self.fields["accepts_loan"].help_text = (
            _("Possibles ici : %(names)s. Jamais de prêt avec intérêts.") % {"names": ", ".join(loans)} if loans
            else _("Aucun territoire n'accepte de prêts pour l'instant.") if len(shown) > 1
            else _("Ce territoire n'accepte pas de prêts."))

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "territory": project.territory_id, "organisation": project.organisation_id, "title": project.title,
            "summary": project.summary, "story": project.story, "image_alt": project.image_alt,
            "location": Point(project.lat, project.lon) if project.lat is not None else None,
            "themes": list(project.themes.all()), "call": project.call_id,
            "goal": euros_for_input(project.goal_cents), "duration_days": project.duration_days,
            "accepts_donation": project.accepts_donation, "accepts_loan": project.accepts_loan,
            "loan_term_months": project.loan_term_months,
        }

    def clean(self):
        data = super().clean()
        if data.get("image") and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Décrivez l'image en quelques mots."))
        return data

    def service_fields(self) -> dict:
        """The cleaned data as the project services take it."""
        data = self.cleaned_data
        return {
            "territory": data["territory"], "organisation": data["organisation"], "title": data["title"],
            "summary": data["summary"], "story": data["story"], "image_alt": data["image_alt"],
            "lat": data["location"].lat if data["location"] else None,
            "lon": data["location"].lon if data["location"] else None, "call": data["call"], "goal_cents": data["goal"],
            "duration_days": data["duration_days"], "accepts_donation": data["accepts_donation"],
            "accepts_loan": data["accepts_loan"], "loan_term_months": data["loan_term_months"],
        }


class RewardForm(forms.Form):
    title = forms.CharField(label=_("Contrepartie"), max_length=150)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    min_amount = EurosField(label=_("Montant minimal (en euros)"))
    quantity = IntegerField(label=_("Quantité limitée"), required=False, min_value=1,
                                  help_text=_("Laissez vide pour une quantité illimitée."))
    estimated_delivery = forms.DateField(label=_("Livraison estimée"), required=False,
                                         widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    @staticmethod
    def initial_for(reward) -> dict:
        return {"title": reward.title, "description": reward.description,
                "min_amount": euros_for_input(reward.min_amount_cents), "quantity": reward.quantity,
                "estimated_delivery": reward.estimated_delivery}

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "description": data["description"], "min_amount_cents": data["min_amount"],
                "quantity": data["quantity"], "estimated_delivery": data["estimated_delivery"]}


class StretchGoalForm(forms.Form):
    amount = EurosField(label=_("Palier (en euros)"), help_text=_("Au-dessus de l'objectif minimal."))
    title = forms.CharField(label=_("Avec ce palier, nous pourrons aussi…"), max_length=200)


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de besoin"), choices=Need.Kind.choices)
    title = forms.CharField(label=_("Besoin"), max_length=150)
    description = forms.CharField(label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=Decision.choices, widget=forms.RadioSelect)
    message = forms.CharField(label=_("Message au porteur"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Obligatoire pour demander des modifications ou refuser."))


class UpdateForm(forms.Form):
    title = forms.CharField(label=_("Titre de la nouvelle"), max_length=150)
    body = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_markdown_help)
