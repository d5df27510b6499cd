"""Sponsors: pools and top-ups."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core import charts
from alleger.core.forms import add_refusal
from alleger.core.text import csv_cell

from .. import selectors
from ..forms import (
    PoolForm,
    TopUpForm,
)
from ..models import MatchingPool
from ..services import sponsors as sponsor_services


def _render_sponsor(request, *, pool_form=None, top_up_forms=None):
    user = request.user
    sponsors = selectors.sponsor_organisations_of(user)
    pools = list(selectors.sponsor_pools(user))
    if not pools and not sponsors.exists():
        raise PermissionDenied
    top_up_forms = top_up_forms or {}
    by_project = selectors.sponsor_matches_by_project(pools)
    rows = [{"pool": pool, "projects": [r for r in by_project if r["pool_id"] == pool.pk],
             "can_manage": user.has_perm("funding.manage_pool", pool),
             "form": top_up_forms.get(pool.pk) or TopUpForm(prefix=f"pool-{pool.pk}")} for pool in pools]
    creatable = sponsors.filter(pk__in=[o.pk for o in sponsors if user.has_perm("funding.create_pool", o)])
    return render(request, "funding/sponsor.html", {
        "rows": rows,
        "chart": charts.over_time(
            selectors.sponsor_matches_over_time(pools), title=_("Abondements de vos fonds au fil du temps"),
            desc=_("Montant abondé par période, tous fonds confondus (hors sommes rendues aux fonds).")),
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
            add_refusal(form, exc)
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
            add_refusal(form, exc)
        else:
            messages.success(request, _("Le fonds « %(name)s » est abondé.") % {"name": pool.name})
            return redirect("funding:sponsor")
    return _render_sponsor(request, top_up_forms={pool.pk: form})


class _Echo:
    def write(self, value):
        return value


@login_required
def pool_matches_csv(request, pool_id):
    """Every match of a pool, streamed: the rows the sponsor space sums up."""
    pool = selectors.sponsor_pools(request.user).filter(pk=pool_id).first()
    if pool is None:
        raise PermissionDenied
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"  # spreadsheet applications read UTF-8 with it; semicolons and decimal commas are French
        yield writer.writerow([_("Date"), _("Projet"), _("Montant (€)"), _("Nature"), _("État")])
        for m in selectors.pool_matches(pool).iterator(chunk_size=2000):
            whole, rest = divmod(m.amount_cents, 100)
            yield writer.writerow([
                timezone.localtime(m.created_at).strftime("%Y-%m-%d %H:%M"), csv_cell(m.project.title),
                f"{whole},{rest:02d}",
                _("doublement d'une contribution") if m.contribution_id else _("somme forfaitaire"),
                m.get_status_display()])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="abondements-{pool.pk}.csv"'
    return response
