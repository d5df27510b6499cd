"""The watch's forms: the GET filters (also the saved watches' filters), saving a watch, acting on an item."""

from __future__ import annotations

import datetime

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.funding.models import Theme
from alleger.territories.models import Neighbourhood

from . import watch
from .models import CellAction, Challenge, SavedWatch, Workshop

#: The filters a saved watch keeps (the page number and the period are not part of a watch).
SAVED_FIELDS = ("neighbourhood", "theme", "kind")


class WatchFilterForm(forms.Form):
    neighbourhood = forms.ModelChoiceField(queryset=Neighbourhood.objects.none(), required=False,
                                           to_field_name="slug", label=gettext_lazy("Quartier"),
                                           empty_label=gettext_lazy("Tous les quartiers"))
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False, to_field_name="slug",
                                   label=gettext_lazy("Thème"), empty_label=gettext_lazy("Tous les thèmes"),
                                   help_text=gettext_lazy("Seuls les projets et leurs contributions ont un thème."))
    kind = forms.MultipleChoiceField(choices=(), required=False, widget=forms.CheckboxSelectMultiple,
                                     label=gettext_lazy("Types"))
    since = forms.DateField(required=False, label=gettext_lazy("Depuis le"),
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=gettext_lazy("Jusqu'au"),
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, territory, **kwargs):
        super().__init__(data, **kwargs)
        self.territory = territory
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(territory=territory).order_by("name")
        self.fields["theme"].queryset = Theme.objects.filter(territory=territory).order_by("name")
        self.fields["kind"].choices = watch.kind_choices()

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("La fin de la période précède son début."))
        return data

    def filters(self) -> watch.Filters:
        """The filters of a valid form; an invalid one gives the whole territory (the page says why)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return watch.Filters(territory=self.territory, neighbourhood=data.get("neighbourhood"),
                             theme=data.get("theme"), kinds=frozenset(data.get("kind") or ()),
                             since=data.get("since"), until=data.get("until"))

    def saved_filters(self) -> dict:
        """What a saved watch keeps of a valid form: slugs and kinds, plain JSON."""
        data = self.cleaned_data
        kept = {}
        if data.get("neighbourhood"):
            kept["neighbourhood"] = data["neighbourhood"].slug
        if data.get("theme"):
            kept["theme"] = data["theme"].slug
        if data.get("kind"):
            kept["kind"] = sorted(data["kind"])
        return kept


def query_of(filters: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for name in SAVED_FIELDS:
        value = filters.get(name)
        if isinstance(value, list):
            query.setlist(name, [str(v) for v in value])
        elif value:
            query[name] = str(value)
    return query


def filters_from_saved(saved: SavedWatch, *, since: datetime.date | None = None,
                       until: datetime.date | None = None) -> watch.Filters:
    """A saved watch's filters, read again through the form: what no longer exists is dropped."""
    form = WatchFilterForm(query_of(saved.filters if isinstance(saved.filters, dict) else {}),
                           territory=saved.territory)
    form.is_valid()
    data = form.cleaned_data
    return watch.Filters(territory=saved.territory, neighbourhood=data.get("neighbourhood"), theme=data.get("theme"),
                         kinds=frozenset(data.get("kind") or ()), since=since, until=until)


class SaveWatchForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom de la veille"), max_length=80)
    frequency = forms.ChoiceField(label=gettext_lazy("Résumé par e-mail"), choices=SavedWatch.Frequency.choices,
                                  initial=SavedWatch.Frequency.WEEKLY)


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(label=gettext_lazy("Résumé par e-mail"), choices=SavedWatch.Frequency.choices)


class ActionForm(forms.Form):
    kind = forms.ChoiceField(choices=CellAction.Kind.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)
    organisation = forms.ChoiceField(label=gettext_lazy("Au nom de"), required=False, choices=())
    challenge = forms.ModelChoiceField(label=gettext_lazy("Défi"), required=False, queryset=Challenge.objects.none())
    workshop = forms.ModelChoiceField(label=gettext_lazy("Atelier"), required=False, queryset=Workshop.objects.none())

    def __init__(self, *args, organisations=(), challenges=None, workshops=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        if challenges is not None:
            self.fields["challenge"].queryset = challenges
        if workshops is not None:
            self.fields["workshop"].queryset = workshops

    def chosen_organisation(self):
        return self.organisations.get(self.cleaned_data.get("organisation") or "")
