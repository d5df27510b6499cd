"""Forms of the funding pages. They parse what people type; the services decide.

Money is typed in euros ("12,50", "12.50", "1 200") and reaches the services
as integer cents, converted with Decimal: never a float on the way.
"""

import uuid

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from alleger.core import numbers
from alleger.core.location import LocationField, Point
from alleger.core.numbers import IntegerField, cents_from_euros
from alleger.core.templatetags.alleger import euros
from alleger.organisations.models import Organisation
from alleger.territories.models import Territory

from .models import Call, Contribution, MatchingPool, Need, Offer, Project, Support, Theme
from .providers import CARD_OK, enabled_providers


def euros_for_input(cents: int | None) -> str:
    """1250 → "12,50", 600000 → "6000": what a person would type back."""
    if cents is None:
        return ""
    whole, rest = divmod(int(cents), 100)
    return f"{whole},{rest:02d}" if rest else str(whole)


class EurosField(forms.CharField):
    """An amount typed in euros, cleaned to integer cents."""

    default_error_messages = {
        "min": _("Le montant doit être d'au moins %(min)s."),
        "max": _("Le montant ne peut pas dépasser %(max)s."),
    }

    def __init__(self, *, min_cents: int = 1, max_cents: int = 100_000_000_00, **kwargs):
        self.min_cents, self.max_cents = min_cents, max_cents
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "size": 12})
        return attrs

    def prepare_value(self, value):
        return euros_for_input(value) if isinstance(value, int) else value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if len(value) > 30:
            raise forms.ValidationError(_("Écrivez un montant en euros, par exemple 12 ou 12,50."), code="invalid")
        try:
            cents = cents_from_euros(value)
        except ValueError as exc:
            raise forms.ValidationError(exc.args[0], code="invalid") from None
        if cents < self.min_cents:
            raise forms.ValidationError(self.error_messages["min"], code="min",
                                        params={"min": euros(self.min_cents)})
        if cents > self.max_cents:
            raise forms.ValidationError(self.error_messages["max"], code="max",
                                        params={"max": euros(self.max_cents)})
        return cents


def _idempotency_field():
    return forms.CharField(widget=forms.HiddenInput, max_length=80, initial=lambda: uuid.uuid4().hex)


def _markdown_help():
    return _("Markdown accepté : **gras**, *italique*, listes, liens.")


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
    themes = forms.ModelMultipleChoiceField(label=_("Thèmes"), queryset=Theme.objects.none(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    call = forms.ModelChoiceField(label=_("Appel à projets"), queryset=Call.objects.none(), required=False,
                                  empty_label=_("Aucun"))
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
        limits = "; ".join(
            _("%(name)s : de %(min)s à %(max)s jours") % {"name": t.name, "min": t.campaign_min_days,
                                                          "max": t.campaign_max_days} for t in shown)
        self.fields["duration_days"].help_text = _("Selon la fenêtre territoriale. %(limits)s.") % {"limits": limits}
        goals = "; ".join(_("%(name)s : %(max)s au plus") % {"name": t.name, "max": euros(t.max_goal_cents)}
                          for t in shown)
        self.fields["goal"].help_text = _(
            "En dessous de ce montant à la fin de la campagne, personne ne paie. Petits projets seulement : "
            "%(limits)s.") % {"limits": goals}
        loans = [t.name for t in shown if t.allow_loan]
        self.fields["accepts_loan"].help_text = (
            _("Possibles ici : %(names)s. Jamais de prêt avec intérêts.") % {"names": ", ".join(loans)} if loans
            else _("Aucune fenêtre n'accepte de prêts pour l'instant.") if len(shown) > 1
            else _("Cette fenêtre n'accepte pas de prêts."))

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
    DECISIONS = [
        ("accept", _("Accepter : la campagne commence")),
        ("request_changes", _("Demander des modifications")),
        ("refuse", _("Refuser")),
    ]
    decision = forms.ChoiceField(label=_("Décision"), choices=DECISIONS, widget=forms.RadioSelect)
    message = forms.CharField(label=_("Message au porteur"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Obligatoire pour demander des modifications ou refuser."))


class UpdateForm(forms.Form):
    title = forms.CharField(label=_("Titre de la nouvelle"), max_length=150)
    body = forms.CharField(label=_("Texte"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_markdown_help)


# --- contributions ------------------------------------------------------------


class RadioSelect(forms.RadioSelect):
    """Radio buttons some of which are disabled (a sold-out reward).

    Named like Django's so that its `widget_type` stays "radioselect" and
    components/field.html groups the buttons in a fieldset with a legend.
    """

    def __init__(self, *args, disabled=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled = set(disabled)

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.disabled:
            option["attrs"]["disabled"] = True
        return option


class ContributeForm(forms.Form):
    amount = EurosField(label=_("Montant (en euros)"))
    kind = forms.ChoiceField(label=_("Type de contribution"), widget=forms.RadioSelect)
    reward = forms.ChoiceField(label=_("Contrepartie"), required=False, widget=forms.RadioSelect)
    anonymous = forms.BooleanField(label=_("Contribuer anonymement (votre nom n'apparaît ni sur la page ni pour "
                                           "le porteur du projet)"), required=False)
    message = forms.CharField(label=_("Message au porteur du projet"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Facultatif, 500 caractères "
                                                                                    "au plus."))
    organisation = forms.ModelChoiceField(
        label=_("Contribuer au nom de"), required=False, queryset=None, empty_label=_("Moi-même"),
        help_text=_("L'organisation apparaît parmi les contributeurs ; c'est vous qui payez."))
    provider = forms.ChoiceField(
        label=_("Moyen de paiement"), widget=forms.RadioSelect,
        help_text=_("Par carte, la somme est seulement réservée : elle n'est prélevée que si le projet atteint son "
                    "objectif. Hors ligne, vous payez ensuite avec la référence reçue (voir plus bas)."))
    card_number = forms.CharField(
        label=_("Numéro de carte de test"), required=False, max_length=30, initial="4242 4242 4242 4242",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Paiement simulé : aucune vraie carte n'est débitée. 4242 4242 4242 4242 est acceptée ; "
                    "4000 0000 0000 0002 est refusée ; 4000 0000 0000 0341 est acceptée mais échouera à "
                    "l'encaissement."))
    idempotency_key = _idempotency_field()

    def __init__(self, *args, project: Project, rewards, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["organisation"].queryset = organisations
        if not organisations.exists():
            del self.fields["organisation"]
        labels = {Contribution.Kind.DONATION: _("Un don"),
                  Contribution.Kind.LOAN: _("Un prêt sans intérêt, remboursé en %(n)s mensualités")
                  % {"n": project.loan_term_months or 1}}
        kinds = [(kind, labels[kind]) for kind in project.contribution_kinds]
        self.fields["kind"].choices = kinds
        self.fields["kind"].initial = kinds[0][0] if kinds else None
        if len(kinds) == 1:
            self.fields["kind"].widget = forms.HiddenInput()
        self.rewards = {str(r.pk): r for r in rewards}
        choices = []
        if project.takes(Contribution.Kind.DONATION):
            choices.append(("", _("Sans contrepartie")))
        for r in rewards:
            if r.remaining is None:
                stock = _("quantité illimitée")
            elif r.remaining <= 0:
                stock = _("épuisé")
            else:
                stock = _("reste %(n)s sur %(total)s") % {"n": r.remaining, "total": r.quantity}
            choices.append((str(r.pk), _("%(title)s — à partir de %(min)s — %(stock)s")
                            % {"title": r.title, "min": euros(r.min_amount_cents), "stock": stock}))
        self.fields["reward"].choices = choices
        self.fields["reward"].widget = RadioSelect(
            choices=choices, disabled=[str(r.pk) for r in rewards if r.remaining is not None and r.remaining <= 0])
        if not rewards:
            self.fields["reward"].widget = forms.HiddenInput()
        providers = enabled_providers()
        self.fields["provider"].choices = [(p.code, p.label) for p in providers]
        self.fields["provider"].initial = providers[0].code if providers else None
        if "simulated_card" not in settings.PAYMENT_PROVIDERS:
            del self.fields["card_number"]
        self.fields["amount"].min_cents = 1

    def clean_card_number(self):
        number = self.cleaned_data.get("card_number", "")
        try:
            return numbers.card_number(number) if number else ""
        except ValueError as exc:
            raise forms.ValidationError(exc.args[0], code="invalid") from None

    def clean(self):
        data = super().clean()
        if data.get("provider") == "simulated_card" and "card_number" in self.fields \
                and not data.get("card_number") and "card_number" not in self.errors:
            self.add_error("card_number", _("Indiquez un numéro de carte de test, par exemple 4242 4242 4242 4242."))
        if data.get("kind") == Contribution.Kind.LOAN and data.get("reward"):
            self.add_error("reward", _("Un prêt ne donne pas droit à une contrepartie : choisissez « Sans "
                                       "contrepartie » ou un don."))
        return data

    @property
    def reward_object(self):
        return self.rewards.get(self.cleaned_data.get("reward") or "")

    def payment_details(self) -> dict:
        number = self.cleaned_data.get("card_number") or CARD_OK
        return {"card_number": number} if self.cleaned_data["provider"] == "simulated_card" else {}


class OfferForm(forms.Form):
    message = forms.CharField(label=_("Ce que vous proposez"), widget=forms.Textarea(attrs={"rows": 3}),
                              max_length=2000)
    organisation = forms.TypedChoiceField(label=_("Au nom de"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, organisations, **kwargs):
        """`organisations`: the person's organisations, read once for every need of the page."""
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}
        if self.organisations:
            self.fields["organisation"].choices = [("", _("Moi-même"))] + [
                (o.pk, o.name) for o in self.organisations.values()]
        else:
            del self.fields["organisation"]

    def clean_organisation(self):
        pk = self.cleaned_data.get("organisation")
        return self.organisations.get(pk) if pk is not None else None


class OfferStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[(s, s) for s in (Offer.Status.ACCEPTED, Offer.Status.DECLINED,
                                                         Offer.Status.DONE)])
    answer = forms.CharField(label=_("Réponse"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RepaymentForm(forms.Form):
    amount = EurosField(label=_("Montant remboursé (en euros)"))
    idempotency_key = _idempotency_field()


class SupportForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Au nom de"), queryset=Organisation.objects.none(),
                                          empty_label=None)
    kind = forms.ChoiceField(label=_("Type de soutien"), choices=Support.Kind.choices)
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = EurosField(label=_("Montant du financement complémentaire (en euros)"), required=False,
                        help_text=_("Seulement pour un financement complémentaire."))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


# --- sponsors -----------------------------------------------------------------


class PoolForm(forms.Form):
    sponsor = forms.ModelChoiceField(label=_("Mécène"), queryset=Organisation.objects.none(), empty_label=None)
    name = forms.CharField(label=_("Nom du fonds"), max_length=150)
    description = forms.CharField(label=_("Présentation"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    territory = forms.ModelChoiceField(label=_("Territoire"), queryset=Territory.objects.order_by("name"),
                                       empty_label=None)
    theme = forms.ModelChoiceField(label=_("Limité au thème"), queryset=Theme.objects.none(), required=False,
                                   empty_label=_("Tous les thèmes du territoire"))
    initial = EurosField(label=_("Dotation initiale (en euros)"), min_cents=0, required=False)
    trigger = forms.ChoiceField(label=_("Déclenchement"), choices=MatchingPool.Trigger.choices,
                                widget=forms.RadioSelect, initial=MatchingPool.Trigger.FIRST_EURO)
    factor_percent = IntegerField(
        label=_("Taux de doublement (en %)"), min_value=1, max_value=1000, initial=100,
        help_text=_("100 % : 1 € ajouté pour 1 € donné ; 50 % : 0,50 €. Pour un déclenchement dès le premier euro."))
    cap_per_contribution = EurosField(label=_("Plafond par contribution (en euros)"), required=False)
    cap_per_project = EurosField(label=_("Plafond par projet (en euros)"), required=False)
    max_matches_per_contributor = IntegerField(
        label=_("Contributions doublées par personne"), required=False, min_value=1,
        help_text=_("Laissez vide pour ne pas limiter."))
    lump_sum = EurosField(label=_("Somme forfaitaire (en euros)"), required=False,
                          help_text=_("Pour un déclenchement par seuil : versée une fois le seuil atteint."))
    threshold_percent = IntegerField(label=_("Seuil : % de l'objectif atteint par la foule"),
                                           required=False, min_value=1, max_value=200)
    threshold_contributors = IntegerField(label=_("Seuil : nombre de contributeurs"), required=False,
                                                min_value=1)
    idempotency_key = _idempotency_field()

    def __init__(self, *args, sponsors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sponsor"].queryset = sponsors
        self.fields["theme"].queryset = Theme.objects.select_related("territory").order_by("territory__name", "name")
        self.fields["theme"].label_from_instance = lambda t: f"{t.name} ({t.territory.name})"

    def clean(self):
        data = super().clean()
        theme, territory = data.get("theme"), data.get("territory")
        if theme is not None and territory is not None and theme.territory_id != territory.pk:
            self.add_error("theme", _("Ce thème appartient à un autre territoire."))
        if data.get("trigger") == MatchingPool.Trigger.LUMP_SUM:
            if not data.get("lump_sum") and "lump_sum" not in self.errors:
                self.add_error("lump_sum", _("Indiquez la somme versée quand le seuil est atteint."))
            if not (data.get("threshold_percent") or data.get("threshold_contributors")):
                self.add_error("threshold_percent",
                               _("Indiquez un seuil : un pourcentage de l'objectif ou un nombre de contributeurs."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        lump = data["trigger"] == MatchingPool.Trigger.LUMP_SUM
        return {
            "sponsor": data["sponsor"], "name": data["name"], "territory": data["territory"],
            "initial_cents": data["initial"] or 0, "idempotency_key": data["idempotency_key"],
            "description": data["description"], "theme": data["theme"], "trigger": data["trigger"],
            "factor_bp": data["factor_percent"] * 100,
            "cap_per_contribution_cents": data["cap_per_contribution"],
            "cap_per_project_cents": data["cap_per_project"],
            "max_matches_per_contributor": data["max_matches_per_contributor"],
            "lump_sum_cents": data["lump_sum"] if lump else None,
            "threshold_percent": data["threshold_percent"] if lump else None,
            "threshold_contributors": data["threshold_contributors"] if lump else None,
        }


class TopUpForm(forms.Form):
    amount = EurosField(label=_("Montant à ajouter (en euros)"))
    idempotency_key = _idempotency_field()
