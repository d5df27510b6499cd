from django import template
from django.utils.safestring import mark_safe

from alleger.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    return mark_safe(render_markdown(text))  # noqa: S308 — sanitised by nh3


@register.filter
def euros(cents):
    """Format integer cents as euros, French style: 6 000 €, 12,50 €."""
    if cents is None:
        return ""
    cents = int(cents)
    # divmod on the magnitude: divmod(-150, 100) is (-2, 50), not -1,50 €.
    sign = "-" if cents < 0 else ""
    euros_part, cents_part = divmod(abs(cents), 100)
    whole = sign + f"{euros_part:,}".replace(",", "\u202f")
    return f"{whole},{cents_part:02d}\u00a0€" if cents_part else f"{whole}\u00a0€"


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
def map_component(context, geojson, map_id, label):
    """A map of GeoJSON features; the calling page renders the list alternative."""
    return {
        "geojson": geojson,
        "map_id": map_id,
        "data_id": f"{map_id}-data",
        "map_label": label,
        "MAP_TILE_URL": context.get("MAP_TILE_URL"),
        "MAP_TILE_ATTRIBUTION": context.get("MAP_TILE_ATTRIBUTION"),
    }


@register.filter
def percent(basis_points):
    """500 → « 5 % », 550 → « 5,5 % » (basis points to a French percentage)."""
    if basis_points is None:
        return ""
    whole, rest = divmod(int(basis_points), 100)
    text = f"{whole}" if rest == 0 else f"{whole},{rest:02d}".rstrip("0")
    return f"{text}\u00a0%"
