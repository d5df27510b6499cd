"""Places as people and programs write them.

The one location field of the forms: a map picker (JavaScript fills two hidden fields) over a text
field that works without JavaScript. There is no geocoder (no external call): the text must be
coordinates, « 45.4397, 4.3872 » or « 45,4397 4,3872 »; an address gets a clear error.

The API's maps take a box, `bbox=minlon,minlat,maxlon,maxlat` (`parse_bbox`)."""

import math
import re
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .errors import Refused

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


def parse_bbox(text: str | None) -> tuple[float, float, float, float]:
    """`minlon,minlat,maxlon,maxlat` in WGS84 degrees, or Refused `invalid_bbox` (400) saying what is wrong."""
    if not text:
        raise _invalid_bbox(gettext("Le paramètre bbox est obligatoire : minlon,minlat,maxlon,maxlat."))
    parts = text.split(",")
    if len(parts) != 4:
        raise _invalid_bbox(gettext("bbox attend quatre nombres séparés par des virgules : "
                                    "minlon,minlat,maxlon,maxlat."))
    try:
        minlon, minlat, maxlon, maxlat = (float(p) for p in parts)
    except ValueError:
        raise _invalid_bbox(gettext("bbox ne contient pas que des nombres.")) from None
    if not all(math.isfinite(v) for v in (minlon, minlat, maxlon, maxlat)):
        raise _invalid_bbox(gettext("bbox ne contient pas que des nombres."))
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= 90 and -90 <= maxlat <= 90):
        raise _invalid_bbox(gettext("bbox sort des limites du globe (longitude ±180, latitude ±90)."))
    if minlon > maxlon or minlat > maxlat:
        raise _invalid_bbox(gettext("bbox doit donner le coin sud-ouest puis le coin nord-est "
                                    "(les boîtes à cheval sur l'antiméridien ne sont pas prises en charge)."))
    return minlon, minlat, maxlon, maxlat


def _invalid_bbox(message: str) -> Refused:
    return Refused("invalid_bbox", message)


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
