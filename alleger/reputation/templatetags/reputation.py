from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("reputation/_level.html")
def reputation_badge(person):
    """The person's level and points, with a link to the explainer."""
    return {"person": person, "reputation": selectors.reputation_of(person)}
