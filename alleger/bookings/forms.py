"""Input of the booking pages. The rules are the services'; a form only reads a date, a time, a length."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alleger.core.forms import EurosField

from .models import Resource
from .services import MAX_WEEKS


class SlotForm(forms.Form):
    """A slot: a day, a start time and a number of slots."""

    #: Where each service refusal goes (core.forms.add_refusal).
    REFUSAL_FIELDS = {"closed": "start", "changeover": "start", "too_late": "day", "too_early": "day", "too_long": "slots",
                      "invalid_seats": "seats", "invalid_range": "start"}

    day = forms.DateField(label=_("Jour"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start = forms.TimeField(label=_("Heure de début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    slots = forms.TypedChoiceField(label=_("Durée"), coerce=int)
    seats = forms.IntegerField(label=_("Nombre de places"), min_value=1, initial=1)
    purpose = forms.CharField(label=_("Objet (facultatif)"), max_length=200, required=False,
                              help_text=_("Visible par vous et par le lieu seulement."))

    def __init__(self, *args, resource, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.fields["start"].widget.attrs["step"] = resource.slot_minutes * 60
        self.fields["start"].help_text = _("Un créneau dure %(m)d minutes ; choisissez une heure de début de créneau.") % {
            "m": resource.slot_minutes}
        self.fields["slots"].choices = [(n, _duration(n * resource.slot_minutes)) for n in range(1, resource.max_slots + 1)]
        self.fields["seats"].max_value = resource.capacity
        if resource.capacity == 1:
            self.fields["seats"].widget = forms.HiddenInput()
            self.fields["seats"].required = False

    def clean_seats(self):
        return self.cleaned_data.get("seats") or 1

    def range(self):
        start = timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"]))
        return start, start + dt.timedelta(minutes=self.resource.slot_minutes * self.cleaned_data["slots"])


class SeriesForm(SlotForm):
    REFUSAL_FIELDS = {**SlotForm.REFUSAL_FIELDS, "invalid_weeks": "weeks", "not_a_member": "organisation"}

    weeks = forms.IntegerField(label=_("Nombre de semaines"), min_value=1, max_value=MAX_WEEKS, initial=10)
    title = forms.CharField(label=_("Intitulé"), max_length=150, help_text=_("Par exemple « Répétition de la chorale »."))
    organisation = forms.ModelChoiceField(label=_("Pour le groupe"), queryset=None, required=False,
                                          empty_label=_("— à titre personnel —"))

    field_order = ["title", "organisation", "day", "start", "slots", "weeks", "seats", "purpose"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        del self.fields["purpose"]


def _duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if not h:
        return _("%(m)d min") % {"m": m}
    return (_("%(h)d h %(m)02d") % {"h": h, "m": m}) if m else (_("%(h)d h") % {"h": h})


class ResourceForm(forms.ModelForm):
    """A place's manager describes one of its bookable resources (room, desk, machine, tool, seats)."""

    class Meta:
        model = Resource
        fields = ["name", "kind", "description", "capacity", "opening_hours", "slot_minutes", "max_slots",
                  "buffer_minutes", "book_ahead_days", "min_notice_minutes", "cancel_hours", "max_future_bookings",
                  "pricing", "price_cents", "training", "active", "notify_email"]

    #: Typed in euros (« 25 », « 12,50 »), kept in cents; a manager typing 25 meant 25 €, not 0,25 €.
    price_cents = EurosField(label=_("Prix par créneau (en euros)"), min_cents=0, max_cents=1_000_000,
                             required=False, help_text=_("Pour une ressource payante ; réglé sur place."))

    def __init__(self, *args, place, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training"].queryset = place.trainings.order_by("name")
        if self.instance.pk is None and not self.is_bound and not self.initial.get("notify_email"):
            self.initial["notify_email"] = place.email  # the place's own address, to begin with

    def clean_price_cents(self):
        return self.cleaned_data.get("price_cents") or 0

    def clean(self):
        data = super().clean()
        pricing, price = data.get("pricing"), data.get("price_cents")
        if pricing == Resource.Pricing.PAID and price == 0:
            self.add_error("price_cents", _("Une ressource payante a un prix : donnez-le, ou choisissez « Gratuit »."))
        elif pricing == Resource.Pricing.FREE and price:
            self.add_error("price_cents", _("Une ressource gratuite n'a pas de prix : laissez-le vide, ou choisissez "
                                            "« Payant »."))
        return data
