"""The one location field of the forms: a map picker (JavaScript fills two hidden fields) over a text
field that works without JavaScript. There is no geocoder (no external call): the text must be
coordinates, « 45.4397, 4.3872 » or « 45,4397 4,3872 »; an address gets a clear error."""

import re
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

_NUMBER = r"([+-]?[0-9]{1,3}(?:[.,][0-9]+)?)"
COORDINATES = re.compile(rf"\s*{_NUMBER}\s*(?:[,;/]\s*|\s+){_NUMBER}\s*", re.ASCII)
_DECIMAL = re.compile(r"\s*[+-]?[0-9]{1,3}(?:\.[0-9]+)?\s*", re.ASCII)


class Point(NamedTuple):
    lat: float
    lon: float


def parse_coordinates(text: str) -> Point | None:
    """« 45.43, 4.39 », « 45,43 4,39 », « 45.43;4.39 » → Point(45.43, 4.39); anything else → None."""
    match = COORDINATES.fullmatch(text or "")
    if not match:
        return None
    return Point(*(float(value.replace(",", ".")) for value in match.groups()))


class LocationWidget(forms.MultiWidget):
    """The text field, then the map; the hidden latitude and longitude are the picker's."""

    template_name = "core/widgets/location.html"

    def __init__(self, attrs=None):
        text = forms.TextInput(attrs={"autocomplete": "off", "inputmode": "decimal", "data-pick-text": ""})
        super().__init__({"": text, "lat": forms.HiddenInput(attrs={"data-pick-lat": ""}),
                          "lon": forms.HiddenInput(attrs={"data-pick-lon": ""})}, attrs)
        self.bbox = None

    def decompress(self, value):
        if not value:
            return ["", "", ""]
        lat, lon = value
        return [f"{lat:.6f}, {lon:.6f}", f"{lat:.6f}", f"{lon:.6f}"]

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_

    def get_context(self, name, value, attrs):
        if isinstance(value, Point):  # a tuple, which MultiWidget would take for the list of its values
            value = self.decompress(value)
        context = super().get_context(name, value, attrs)
        context["widget"].update(bbox=self.bbox, tiles=settings.MAP_TILE_URL,
                                 attribution=settings.MAP_TILE_ATTRIBUTION)
        return context


class LocationField(forms.MultiValueField):
    """Cleans to a Point, or None when left empty and not required."""

    widget = LocationWidget
    default_error_messages = {
        "required": _("Indiquez le lieu : cliquez sur la carte ou saisissez ses coordonnées."),
        "invalid": _("Le point choisi sur la carte n'est pas valide : cliquez à nouveau sur la carte."),
        "address": _("Seules des coordonnées sont comprises ici, par exemple « 45.4397, 4.3872 » : sans "
                     "JavaScript, une adresse ne peut pas être placée. Cliquez sur la carte ou saisissez les "
                     "coordonnées du lieu."),
        "range": _("Ces coordonnées sont hors limites : la latitude va de -90 à 90, la longitude de -180 à 180."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Cliquez sur la carte pour placer le lieu, ou saisissez ses coordonnées "
                                         "(latitude, longitude), par exemple « 45.4397, 4.3872 »."))
        fields = (forms.CharField(max_length=250, required=False), forms.CharField(max_length=30, required=False),
                  forms.CharField(max_length=30, required=False))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        text, lat, lon = (list(data_list) + ["", "", ""])[:3]
        if lat or lon:  # the picker's hidden fields
            if not (_DECIMAL.fullmatch(lat or "") and _DECIMAL.fullmatch(lon or "")):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            point = Point(float(lat), float(lon))
        elif (text or "").strip():
            point = parse_coordinates(text)
            if point is None:
                raise forms.ValidationError(self.error_messages["address"], code="address")
        else:
            return None
        if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return point
