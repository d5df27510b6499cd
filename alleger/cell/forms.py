import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: A dashboard spans at most this many days (the table stays readable, the query bounded).
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    du = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    au = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    quartier = forms.ChoiceField(label=_("Quartier"), required=False)

    def __init__(self, *args, neighbourhoods, **kwargs):
        """`neighbourhoods`: the territory's, by name."""
        super().__init__(*args, **kwargs)
        self.neighbourhoods = {n.slug: n for n in neighbourhoods}
        self.fields["quartier"].choices = [("", _("Tout le territoire"))] + [
            (slug, n.name) for slug, n in self.neighbourhoods.items()]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        last = min(data.get("au") or today, today)  # the days to come have no figures yet: up to today
        first = data.get("du") or last - datetime.timedelta(days=29)
        if first > today:
            raise forms.ValidationError(_("Le tableau de bord s'arrête à aujourd'hui : choisissez un début au plus "
                                          "tard aujourd'hui."), code="period_future")
        if first > last:
            raise forms.ValidationError(_("La date de début doit précéder la date de fin."), code="period_reversed")
        if (last - first).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("Une période dure au plus %(days)d jours.") % {"days": MAX_DAYS},
                                        code="period_too_long")
        data["first"], data["last"] = first, last
        data["neighbourhood"] = self.neighbourhoods.get(data.get("quartier") or "")
        return data
