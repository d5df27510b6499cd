from django import template

from alleger.core.templatetags.alleger import percent

register = template.Library()


@register.filter
def share(fraction):
    """A fraction (0.4215) as a percentage in the active language (« 42,2 % »); empty when unknown."""
    if fraction is None or fraction == "":
        return ""
    return percent(round(float(fraction) * 10_000))


@register.filter
def metres(value):
    """A distance in metres, grouped by thousands (« 1 250 m »); « — » when unknown (no place at all)."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,} m".replace(",", "\u202f")
