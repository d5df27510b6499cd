"""Moderators: the review queue and offline payments."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.forms import add_refusal
from alleger.core.templatetags.alleger import euros

from .. import selectors
from ..forms import (
    ReviewForm,
)
from ..models import Contribution
from ..services import contributions as contribution_services
from ..services import projects as project_services
from ._shared import _project_for, _refusal_message, _territory_for


def _render_queue(request, territory, bound=None):
    queue = list(selectors.review_queue(territory))
    forms = {p.pk: ReviewForm(prefix=f"review-{p.pk}") for p in queue}
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render(request, "funding/moderation_projects.html", {
        "territory": territory,
        "queue": [(p, forms[p.pk]) for p in queue],
    }, status=400 if bound is not None else 200)  # a refused decision is a 400, as a kit's


@login_required
def review_queue(request, territory):
    return _render_queue(request, _territory_for(request, territory, "territories.moderate"))


@login_required
@require_POST
def project_review(request, slug):
    project = _project_for(request, slug, "funding.review_project")
    form = ReviewForm(request.POST, prefix=f"review-{project.pk}")
    if form.is_valid():
        try:
            project_services.project_review(project=project, moderator=request.user,
                                            decision=form.cleaned_data["decision"],
                                            message=form.cleaned_data["message"])
        except ValidationError as exc:
            add_refusal(form, exc, {"message_required": "message"})
        else:
            messages.success(request, _("Décision enregistrée ; le porteur du projet est prévenu."))
            return redirect("funding:review_queue", territory=project.territory.slug)
    return _render_queue(request, project.territory, bound=(project.pk, form))


@login_required
def offline_payments(request, territory):
    territory = _territory_for(request, territory, "territories.moderate")
    return render(request, "funding/moderation_payments.html", {
        "territory": territory,
        "contributions": selectors.offline_awaiting(territory),
        "owed": selectors.offline_owed(territory),
        "confirmed": selectors.offline_confirmed(territory),
    })


@login_required
@require_POST
def confirm_receipt(request, territory, contribution_id):
    contribution = get_object_or_404(Contribution.objects.select_related("project__territory"),
                                     pk=contribution_id, project__territory__slug=territory)
    if not request.user.has_perm("funding.confirm_receipt", contribution):
        raise PermissionDenied
    try:
        contribution_services.contribution_confirm_receipt(contribution=contribution, actor=request.user)
    except ValidationError as exc:
        _refusal_message(request, exc)
    else:
        messages.success(request, _("Réception confirmée : %(amount)s sont en séquestre pour « %(title)s ».")
                         % {"amount": euros(contribution.amount_cents), "title": contribution.project.title})
    return redirect("funding:offline_payments", territory=territory)


@login_required
@require_POST
def confirm_returned(request, territory, contribution_id):
    contribution = get_object_or_404(Contribution.objects.select_related("project__territory", "contributor"),
                                     pk=contribution_id, project__territory__slug=territory)
    if not request.user.has_perm("funding.confirm_returned", contribution):
        raise PermissionDenied
    try:
        contribution_services.contribution_confirm_returned(contribution=contribution, actor=request.user)
    except ValidationError as exc:
        _refusal_message(request, exc)
    else:
        messages.success(request, _("C'est noté : %(amount)s rendus à %(name)s ; la personne en est prévenue.")
                         % {"amount": euros(contribution.amount_cents), "name": contribution.contributor.public_name})
    return redirect("funding:offline_payments", territory=territory)
