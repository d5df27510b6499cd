"""Django's `date` filter with French's « 1er » (alleger.core.grammar.date_pattern), for every template:
settings.TEMPLATES loads this library as a builtin after Django's own, so its `date` takes the place of
Django's without a `{% load %}`."""

from django import template
from django.template import defaultfilters

from alleger.core import grammar

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, ""):
        return ""
    return defaultfilters.date(value, grammar.date_pattern(value, arg))
