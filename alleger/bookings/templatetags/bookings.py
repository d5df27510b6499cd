from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def place_url(place) -> str:
    """The place's page, or "" while the places pages are not installed (the places app builds them)."""
    try:
        return place.get_absolute_url()
    except NoReverseMatch:
        return ""
