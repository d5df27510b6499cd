from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_percent
from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from alleger.core import grammar
from alleger.core.markdown import markdown_as_text, render_markdown, render_markdown_inline

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, top=2):
    """`{{ text|markdown }}` under the page's <h1>; `{{ text|markdown:3 }}` in a section under an <h2>."""
    return mark_safe(render_markdown(text, int(top)))  # noqa: S308 — sanitised by nh3


@register.filter
def markdown_text(text):
    """`{{ text|markdown_text }}` in a plain-text e-mail: the words and paragraphs, no markup."""
    return markdown_as_text(text)


@register.filter
def markdown_inline(text):
    """Markdown inside a line of text (no paragraphs): « Thème **à la Une** » → bold, not asterisks."""
    return mark_safe(render_markdown_inline(text))  # noqa: S308 — sanitised by nh3


@register.filter
def break_after_slashes(url):
    """An address that a line may break only after its slashes (<wbr>), never inside a number or a word."""
    return mark_safe("/<wbr>".join(escape(part) for part in str(url).split("/")))  # noqa: S308 — parts escaped


@register.filter
def of_name(name):
    """« de Saint-Étienne », « d'Auvergne-Rhône-Alpes » (alleger.core.grammar)."""
    return grammar.of_name(str(name))


@register.filter
def euros(cents):
    """Integer cents as euros in the active language: « 6 000 € », « 12,50 € »; "€6,000" in English."""
    if cents is None:
        return ""
    return _euros(int(cents), _locale())


@lru_cache(maxsize=4096)
def _euros(cents: int, language: str) -> str:
    # Babel's formatting is the costly part of a receipt or a listing, and amounts repeat.
    pattern = _currency_pattern(language, whole=cents % 100 == 0)
    return format_currency(Decimal(cents) / 100, "EUR", locale=language, format=pattern, currency_digits=False)


@register.simple_tag
def colon():
    """A colon after a word, as the language writes it: « Lieu : » in French, "Place:" in English. For the
    colons outside a translated string (`{% translate "Lieu" %}{% colon %} {{ place }}`); a translation, so
    each language decides its space before it."""
    return _(" :")


@register.simple_tag
def semicolon():
    """The same for « ; »."""
    return _(" ;")


@register.simple_tag
def field_widget(field):
    """Render a form widget tied to its help text and errors for screen readers."""
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_errors")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("components/map.html", takes_context=True)
def map_component(context, geojson, map_id, label, small=False):
    """A map of GeoJSON features (`small`: a short one, beside other content); the calling page renders
    the list alternative."""
    return {
        "small": small,
        "geojson": geojson,
        "map_id": map_id,
        "data_id": f"{map_id}-data",
        "map_label": label,
        "MAP_TILE_URL": context.get("MAP_TILE_URL"),
        "MAP_TILE_ATTRIBUTION": context.get("MAP_TILE_ATTRIBUTION"),
    }


@register.inclusion_tag("components/place_map.html", takes_context=True)
def place_map(context, lat, lon, name, description=""):
    """A small map of one place, then its text alternative: the description (address, neighbourhood)
    and a link to OpenStreetMap."""
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": {"name": name}}
    return {
        **map_component(context, {"type": "FeatureCollection", "features": [point]}, "place-map",
                        _("Carte : %(name)s") % {"name": name}),
        "small": True, "lat": lat, "lon": lon, "description": description,
    }


@register.filter
def percent(basis_points):
    """Basis points as a percentage in the active language: 550 → « 5,5 % » ("5.5%" in English)."""
    if basis_points is None:
        return ""
    language = _locale()
    pattern = _percent_pattern(language)
    return format_percent(Decimal(int(basis_points)) / 10_000, locale=language, format=pattern)


@register.filter
def whole_percent(value):
    """A whole percentage in the active language: 20 → « 20 % » ("20%" in English); None → ""."""
    return "" if value is None else percent(int(value) * 100)


@lru_cache(maxsize=16)
def _currency_pattern(language: str, *, whole: bool) -> str:
    pattern = Locale.parse(language).currency_formats["standard"].pattern
    return pattern.replace(".00", "") if whole else pattern  # whole amounts read better without ",00"


@lru_cache(maxsize=16)
def _percent_pattern(language: str) -> str:
    return Locale.parse(language).percent_formats[None].pattern.replace("0", "0.##", 1)


def _locale() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")