from django import template

from .. import selectors

register = template.Library()


@register.filter
def days_left(project):
    """Whole days until the deadline (0 on the last day), None without a deadline."""
    return selectors.days_left(project)


@register.filter
def progress_width(project):
    """The progress bar's fill, capped at 100 (overfunded projects go beyond the goal)."""
    return min(100, project.percent)
