"""Backing a project, one's contributions, cancelling."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.forms import add_refusal
from alleger.core.ratelimit import limit
from alleger.core.templatetags.alleger import euros
from alleger.organisations.selectors import organisations_administered_by, organisations_of

from .. import selectors
from ..forms import (
    ContributeForm,
)
from ..models import Contribution, MatchingPool
from ..providers import get_provider
from ..rules import has_stake_in_project
from ..services import contributions as contribution_services
from ..services import loans as loan_services
from ..services import matching
from ._shared import (
    _open_for_contributions,
    _project_for,
    _refusal_message,
)

CONTRIBUTION_REFUSAL_FIELDS = {
    "below_minimum": "amount", "below_reward_minimum": "amount", "over_cap": "amount",
    "reward_sold_out": "reward", "kind_not_accepted": "kind", "payment_declined": "card_number",
}




def _sent_already(request, project, rewards) -> ContributeForm:
    """The same form, sent once already with other values (back button, second tab): its first
    contribution stands; a new key lets the person send these values as a new one, once checked."""
    data = request.POST.copy()
    data["idempotency_key"] = uuid.uuid4().hex
    form = ContributeForm(data, project=project, rewards=rewards,
                          organisations=organisations_administered_by(request.user))
    form.is_valid()
    form.add_error(None, _("Ce formulaire a déjà servi pour une contribution, qui reste enregistrée. Pour faire "
                           "une nouvelle contribution avec ces valeurs, vérifiez-les et validez à nouveau."))
    return form


def _loan_schedule(project, amount_cents):
    return loan_services.schedule(Contribution(project=project, amount_cents=amount_cents))


@login_required
@limit("contribution")
def contribute(request, slug):
    project = _project_for(request, slug, "funding.contribute")
    if not _open_for_contributions(project):
        messages.info(request, _("La campagne de ce projet n'est pas ouverte aux contributions."))
        return redirect(project)
    rewards = selectors.rewards_with_stock(project)
    schedule, schedule_amount = None, None
    if request.method == "POST":
        form = ContributeForm(request.POST, project=project, rewards=rewards,
                              organisations=organisations_administered_by(request.user))
        if form.is_valid():
            data = form.cleaned_data
            if data["kind"] == Contribution.Kind.LOAN:
                schedule, schedule_amount = _loan_schedule(project, data["amount"]), data["amount"]
            if "preview" not in request.POST:
                try:
                    contribution, created = contribution_services.contribution_create(
                        project=project, contributor=request.user, amount_cents=data["amount"],
                        idempotency_key=data["idempotency_key"], kind=data["kind"], reward=form.reward_object,
                        anonymous=data["anonymous"], message=data["message"], provider=data["provider"],
                        payment_details=form.payment_details(), organisation=data.get("organisation"))
                except ValidationError as exc:
                    if exc.code == "idempotency_key_reused":
                        form = _sent_already(request, project, rewards)
                    else:
                        add_refusal(form, exc, CONTRIBUTION_REFUSAL_FIELDS)
                else:
                    if created:
                        messages.success(request, _("Merci ! Votre contribution à « %(title)s » est enregistrée.")
                                         % {"title": project.title})
                    else:
                        messages.info(request, _("Cette contribution était déjà enregistrée : rien n'a été "
                                                 "prélevé une seconde fois."))
                    return redirect(reverse("funding:my_contributions") + f"#contribution-{contribution.pk}")
    else:
        initial = {}
        chosen = next((r for r in rewards if str(r.pk) == request.GET.get("reward")), None)
        if chosen is not None:
            initial = {"reward": str(chosen.pk), "amount": chosen.min_amount_cents}
        form = ContributeForm(initial=initial, project=project, rewards=rewards,
                              organisations=organisations_administered_by(request.user))
    if schedule is None and project.takes(Contribution.Kind.LOAN):
        schedule_amount = 10_000
        schedule = _loan_schedule(project, schedule_amount)
    return render(request, "funding/contribute.html", {
        "project": project,
        "form": form,
        "rewards": rewards,
        "schedule": schedule,
        "schedule_amount": schedule_amount,
        "cancellable_until": contribution_services.cancellable_until(project),
        "offline_enabled": "offline" in dict(form.fields["provider"].choices),
        # Told before paying, not only in the receipt: which pools add to a gift, and by how much.
        # (a pool never doubles its own sponsor: not those of the person's organisations)
        "matching_pools": list(matching.pools_for(project).select_related("sponsor").filter(
            trigger=MatchingPool.Trigger.FIRST_EURO, balance_cents__gt=0).exclude(
            sponsor__in=organisations_of(request.user))),
        "own_project": has_stake_in_project(request.user, project),
    })


@login_required
def my_contributions(request):
    rows = []
    for c in selectors.with_repaid(selectors.contributions_of(request.user)):
        row = {"contribution": c, "provider": get_provider(c.provider).label,
               "cancellable": request.user.has_perm("funding.cancel_contribution", c)}
        if c.kind == Contribution.Kind.LOAN:
            row.update(schedule=loan_services.schedule(c), repaid=c.repaid_cents, owed=c.owed_cents)
        rows.append(row)
    return render(request, "funding/my_contributions.html", {
        "rows": rows,
        "my_projects": selectors.projects_held_by(request.user),
        "is_sponsor": selectors.sponsor_organisations_of(request.user).exists(),
    })


@login_required
@require_POST
def cancel(request, contribution_id):
    # Someone else's contribution: not even its existence is shown. Whether one's own
    # can still be cancelled (funding.cancel_contribution) the service says again, with its reason.
    contribution = get_object_or_404(Contribution.objects.select_related("project"), pk=contribution_id,
                                     contributor=request.user)
    was = contribution.status
    try:
        contribution_services.contribution_cancel(contribution=contribution, actor=request.user)
    except ValidationError as exc:
        _refusal_message(request, exc)
    else:
        amount = euros(contribution.amount_cents)
        if was == Contribution.Status.CAPTURED and contribution.provider == "offline":
            text = _("Votre contribution de %(amount)s est annulée : la modération vous rendra la somme reçue, "
                     "comme vous l'avez versée, et vous écrira.")
        elif was == Contribution.Status.CAPTURED:
            text = _("Votre contribution de %(amount)s est annulée : elle vous est remboursée.")
        elif contribution.provider == "offline":
            text = _("Votre contribution de %(amount)s est annulée : n'envoyez pas le paiement annoncé.")
        else:
            text = _("Votre contribution de %(amount)s est annulée : votre carte ne sera pas débitée.")
        messages.success(request, text % {"amount": amount})
    return redirect("funding:my_contributions")
