"""Sponsors: pools and top-ups."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors
from ..forms import (
    PoolForm,
    TopUpForm,
)
from ..models import MatchingPool
from ..services import sponsors as sponsor_services
from ._shared import _add_refusal


def _render_sponsor(request, *, pool_form=None, top_up_forms=None):
    user = request.user
    sponsors = selectors.sponsor_organisations_of(user)
    pools = list(selectors.sponsor_pools(user))
    if not pools and not sponsors.exists():
        raise PermissionDenied
    top_up_forms = top_up_forms or {}
    rows = [{"pool": pool, "matches": list(selectors.pool_matches(pool)[:50]),
             "can_manage": user.has_perm("funding.manage_pool", pool),
             "form": top_up_forms.get(pool.pk) or TopUpForm(prefix=f"pool-{pool.pk}")} for pool in pools]
    creatable = sponsors.filter(pk__in=[o.pk for o in sponsors if user.has_perm("funding.create_pool", o)])
    return render(request, "funding/sponsor.html", {
        "rows": rows,
        "followed": selectors.followed_projects(user),
        "pool_form": (pool_form or PoolForm(sponsors=creatable, prefix="pool")) if creatable.exists() else None,
    })


@login_required
def sponsor_dashboard(request):
    return _render_sponsor(request)


@login_required
@require_POST
def pool_create(request):
    sponsors = selectors.sponsor_organisations_of(request.user)
    form = PoolForm(request.POST, sponsors=sponsors, prefix="pool")
    if form.is_valid():
        if not request.user.has_perm("funding.create_pool", form.cleaned_data["sponsor"]):
            raise PermissionDenied
        try:
            pool = sponsor_services.pool_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _add_refusal(form, exc)
        else:
            messages.success(request, _("Le fonds « %(name)s » est ouvert.") % {"name": pool.name})
            return redirect("funding:sponsor")
    return _render_sponsor(request, pool_form=form)


@login_required
@require_POST
def pool_top_up(request, pool_id):
    pool = get_object_or_404(MatchingPool, pk=pool_id)
    if not request.user.has_perm("funding.manage_pool", pool):
        raise PermissionDenied
    form = TopUpForm(request.POST, prefix=f"pool-{pool.pk}")
    if form.is_valid():
        try:
            sponsor_services.pool_top_up(pool=pool, actor=request.user, amount_cents=form.cleaned_data["amount"],
                                         idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as exc:
            _add_refusal(form, exc)
        else:
            messages.success(request, _("Le fonds « %(name)s » est abondé.") % {"name": pool.name})
            return redirect("funding:sponsor")
    return _render_sponsor(request, top_up_forms={pool.pk: form})
