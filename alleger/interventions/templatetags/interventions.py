"""Includes for other apps' pages: {% asset_history asset %}, {% kit_interventions kit %},
{% project_interventions project %}. Each runs its own selector, so the host view needs no change."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("interventions/_asset_history.html")
def asset_history(asset, limit=50):
    return {"asset": asset, "interventions": list(selectors.interventions_of_asset(asset)[:limit])}


@register.inclusion_tag("interventions/_kit_interventions.html")
def kit_interventions(kit, limit=20):
    return {"kit": kit, "interventions": list(selectors.interventions_with_kit(kit)[:limit])}


@register.inclusion_tag("interventions/_project_interventions.html")
def project_interventions(project):
    return {"interventions": list(selectors.interventions_of_project(project))}
