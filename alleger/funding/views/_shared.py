"""Helpers shared by the crowdfunding pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alleger.core.fragments import remembered
from alleger.territories.models import Territory

from .. import selectors
from ..models import Project

PAGE_SIZE = 24
MAP_LIMIT = 500


def _project_for(request, slug, perm=None) -> Project:
    """The project if the person may see it (404 otherwise), then `perm` on it (403 otherwise)."""
    try:
        # Remembered by this process for the data version (a GET's; alleger/core/fragments.py).
        project = remembered(request, "project", (slug,), lambda: selectors.project_visible_get(slug))
    except Project.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("funding.view_project", project):
        raise Http404
    if perm and not request.user.has_perm(perm, project):
        raise PermissionDenied
    return project


def _territory_for(request, slug, perm=None) -> Territory:
    territory = get_object_or_404(Territory, slug=slug)
    if perm and not request.user.has_perm(perm, territory):
        raise PermissionDenied
    return territory


def _refusal_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _open_for_contributions(project) -> bool:
    # Between the deadline and the settlement job's next run, the campaign is over already.
    return project.is_live and project.deadline is not None and project.deadline > timezone.now()

