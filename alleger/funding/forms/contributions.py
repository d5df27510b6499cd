"""Forms of contributing: money, offers answering a need, repayments, an organisation's support."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from alleger.core import numbers
from alleger.core.forms import EurosField
from alleger.core.templatetags.alleger import euros
from alleger.organisations.models import Organisation

from ..models import Contribution, Offer, Project, Support
from ..providers import CARD_OK, enabled_providers
from .fields import _idempotency_field


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


class ResourceOfferForm(forms.Form):
    """A place's manager offers one of its bookable resources, for a slot, to a room or equipment need."""

    REFUSAL_FIELDS = {"closed": "start", "too_late": "day", "too_early": "day", "too_long": "hours",
                      "invalid_range": "start", "training_required": "resource", "members_only": "resource",
                      "forbidden": "resource"}

    resource = forms.ModelChoiceField(label=_("Ressource"), queryset=None)
    day = forms.DateField(label=_("Jour"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Heure de début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    hours = forms.IntegerField(label=_("Durée (heures)"), min_value=1, max_value=12, initial=2)
    message = forms.CharField(label=_("Message (facultatif)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = resources

    def range(self):
        import datetime as dt

        from django.utils import timezone

        start = timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"]))
        return start, start + dt.timedelta(hours=self.cleaned_data["hours"])
