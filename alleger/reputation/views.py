from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.forms import add_refusal
from alleger.interventions.models import Intervention
from alleger.territories.models import Territory, TerritoryRole

from . import levels, selectors, services
from .forms import GrantForm


def levels_page(request):
    return render(request, "reputation/levels.html", {
        "levels": levels.LEVELS,
        "points": {"organised": levels.ORGANISED_DONE, "joined": levels.JOINED_DONE,
                   "kit": levels.KIT_PUBLISHED, "daily_cap": levels.DAILY_CAP},
        "reputation": selectors.reputation_of(request.user) if request.user.is_authenticated else None,
    })


def _grant_territories(user):
    if user.is_superuser:
        return Territory.objects.order_by("name")
    return Territory.objects.filter(roles__user=user, roles__role=TerritoryRole.Role.MODERATOR).distinct() \
        .order_by("name")


def _person(pk):
    return get_object_or_404(get_user_model(), pk=pk, is_active=True, deleted_at__isnull=True)


def person_page(request, pk, *, form=None, status=200):
    person = _person(pk)
    can_grant = request.user.has_perm("reputation.grant_levels")
    if can_grant and form is None:
        form = GrantForm(territories=_grant_territories(request.user), allow_none=request.user.is_superuser)
    done = Intervention.objects.filter(participations__user=person, status=Intervention.Status.DONE) \
        .select_related("kit").order_by("-finished_at")[:50]
    return render(request, "reputation/person.html", {
        "person": person,
        "reputation": selectors.reputation_of(person),
        "done_interventions": done,
        "grants": selectors.grants_of(person) if can_grant else None,
        "can_grant": can_grant,
        "form": form,
    }, status=status)


@login_required
@require_POST
def grant(request, pk):
    person = _person(pk)
    if not request.user.has_perm("reputation.grant_levels"):
        raise PermissionDenied
    form = GrantForm(request.POST, territories=_grant_territories(request.user),
                     allow_none=request.user.is_superuser)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.level_grant(user=person, level=data["level"], granted_by=request.user,
                                 reason=data["reason"], territory=data.get("territory"))
        except PermissionDenied:
            form.add_error("territory", _("Vous ne modérez pas ce territoire."))
        except ValidationError as exc:
            add_refusal(form, exc, {"reason_required": "reason"})
        else:
            messages.success(request, _("Le niveau est accordé."))
            return redirect("reputation:person", pk=person.pk)
    return person_page(request, pk, form=form, status=400)
