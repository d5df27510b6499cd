"""The holder's side: drafting, rewards, needs, submission, the dashboard, the CSV."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alleger.core import charts
from alleger.core.forms import add_refusal
from alleger.core.numbers import is_digits
from alleger.core.text import csv_cell
from alleger.territories.models import Territory

from .. import place_sections, selectors
from ..forms import (
    NeedForm,
    OfferStatusForm,
    ProjectForm,
    RepaymentForm,
    RewardForm,
    StretchGoalForm,
    UpdateForm,
)
from ..models import Contribution, Offer, Project, Reward
from ..services import loans as loan_services
from ..services import needs as need_services
from ..services import projects as project_services
from ._shared import (
    _project_for,
    _refusal_message,
)


@login_required
def project_create(request):
    if not request.user.has_perm("funding.add_project"):
        raise PermissionDenied
    territory = Territory.objects.filter(slug=request.GET.get("territoire") or "").first()
    initial = {}
    if territory is not None:
        initial["territory"] = territory.pk
        call = territory.calls.filter(slug=request.GET.get("appel") or "").first()
        initial["call"] = call.pk if call else None
    form = ProjectForm(request.POST or None, request.FILES or None, user=request.user, territory=territory,
                       initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = project_services.project_create(
                holder=request.user, themes=form.cleaned_data["themes"], image=form.cleaned_data["image"],
                **form.service_fields())
        except ValidationError as exc:
            add_refusal(form, exc, {**ProjectForm.REFUSAL_FIELDS, "too_large": "image", "bad_format": "image"})
        else:
            messages.success(request, _("Le brouillon est enregistré. Ajoutez vos contreparties et vos besoins, "
                                        "puis soumettez le projet à la relecture."))
            return redirect("funding:edit", slug=project.slug)
    return render(request, "funding/project_form.html", {"form": form, "project": None})


def _render_edit(request, project, **forms):
    rewards = selectors.rewards_with_stock(project)
    reward_forms = forms.get("reward_forms", {})
    editable = project.status in project_services.EDITABLE
    project_form = forms.get("project_form")
    if project_form is None and editable:
        project_form = ProjectForm(initial=ProjectForm.initial_for(project), user=request.user,
                                   territory=project.territory, project=project)
    return render(request, "funding/project_edit.html", {
        "project": project,
        "editable": editable,
        "form": project_form,
        "rewards": [(r, reward_forms.get(r.pk) or RewardForm(initial=RewardForm.initial_for(r),
                                                              prefix=f"reward-{r.pk}")) for r in rewards],
        "reward_form": forms.get("reward_form") or RewardForm(prefix="reward-new"),
        "rewards_allowed": project.territory.allow_reward,
        "stretch_goals": list(project.stretch_goals.all()),
        "stretch_form": forms.get("stretch_form") or StretchGoalForm(prefix="stretch"),
        "needs": list(project.needs.all()),
        "need_form": forms.get("need_form") or NeedForm(prefix="need"),
        "place_form": place_sections.place_form(request, project),
    })


@login_required
def project_edit(request, slug):
    project = _project_for(request, slug, "funding.change_project")
    form = None
    if request.method == "POST":
        form = ProjectForm(request.POST, request.FILES, user=request.user, territory=project.territory,
                           project=project)
        if form.is_valid():
            try:
                project_services.project_update(project=project, actor=request.user,
                                                themes=form.cleaned_data["themes"],
                                                image=form.cleaned_data["image"], **form.service_fields())
            except ValidationError as exc:
                add_refusal(form, exc, {**ProjectForm.REFUSAL_FIELDS, "too_large": "image", "bad_format": "image"})
            else:
                messages.success(request, _("Modifications enregistrées."))
                return redirect("funding:edit", slug=project.slug)
    return _render_edit(request, project, project_form=form)


@login_required
@require_POST
def reward_add(request, slug):
    project = _project_for(request, slug, "funding.change_project")
    form = RewardForm(request.POST, prefix="reward-new")
    if form.is_valid():
        try:
            project_services.reward_save(project=project, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Contrepartie ajoutée."))
            return redirect(reverse("funding:edit", kwargs={"slug": slug}) + "#contreparties")
    return _render_edit(request, project, reward_form=form)


@login_required
@require_POST
def reward_edit(request, slug, reward_id):
    project = _project_for(request, slug, "funding.change_project")
    reward = get_object_or_404(Reward, pk=reward_id, project=project)
    form = RewardForm(request.POST, prefix=f"reward-{reward.pk}")
    if form.is_valid():
        try:
            project_services.reward_save(project=project, actor=request.user, reward=reward, **form.service_fields())
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Contrepartie modifiée."))
            return redirect(reverse("funding:edit", kwargs={"slug": slug}) + "#contreparties")
    return _render_edit(request, project, reward_forms={reward.pk: form})


@login_required
@require_POST
def reward_remove(request, slug, reward_id):
    project = _project_for(request, slug, "funding.change_project")
    reward = get_object_or_404(Reward, pk=reward_id, project=project)
    try:
        project_services.reward_delete(reward=reward, actor=request.user)
    except ValidationError as exc:
        _refusal_message(request, exc)
    else:
        messages.success(request, _("Contrepartie retirée."))
    return redirect(reverse("funding:edit", kwargs={"slug": slug}) + "#contreparties")


@login_required
@require_POST
def stretch_goal_add(request, slug):
    project = _project_for(request, slug, "funding.change_project")
    form = StretchGoalForm(request.POST, prefix="stretch")
    if form.is_valid():
        try:
            project_services.stretch_goal_save(project=project, actor=request.user,
                                               amount_cents=form.cleaned_data["amount"],
                                               title=form.cleaned_data["title"])
        except ValidationError as exc:
            add_refusal(form, exc, {"invalid": "amount"})
        else:
            messages.success(request, _("Palier ajouté."))
            return redirect(reverse("funding:edit", kwargs={"slug": slug}) + "#paliers")
    return _render_edit(request, project, stretch_form=form)


@login_required
@require_POST
def need_add(request, slug):
    project = _project_for(request, slug, "funding.change_project")
    form = NeedForm(request.POST, prefix="need")
    if form.is_valid():
        try:
            need_services.need_add(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Besoin ajouté."))
            return redirect(reverse("funding:edit", kwargs={"slug": slug}) + "#besoins")
    return _render_edit(request, project, need_form=form)


@login_required
@require_POST
def project_submit(request, slug):
    project = _project_for(request, slug, "funding.change_project")
    try:
        project_services.project_submit(project=project, actor=request.user)
    except ValidationError as exc:
        _refusal_message(request, exc)
        return redirect("funding:edit", slug=slug)
    messages.success(request, _("Le projet est soumis : l'équipe de modération du territoire va le relire."))
    return redirect(project)


def _render_manage(request, project, *, update_form=None, repayment_forms=None):
    repayment_forms = repayment_forms or {}
    loans = []
    for c in selectors.loans_of_project(project):
        loans.append({"contribution": c, "schedule": loan_services.schedule(c), "repaid": c.repaid_cents,
                      "owed": c.owed_cents,
                      "form": repayment_forms.get(c.pk) or RepaymentForm(prefix=f"loan-{c.pk}")})
    return render(request, "funding/manage.html", {
        "project": project,
        "update_form": update_form or UpdateForm(prefix="update"),
        "contributors": list(selectors.contributors_for_holder(project)),
        "needs": selectors.needs_with_offers(project),
        "loans": loans,
        "repayments_open": project.status == Project.Status.SUCCEEDED and project.paid_out_at is not None,
        "updates": list(project.updates.all()[:5]),
        "chart": charts.over_time(
            selectors.contributions_over_time(project), kind="line", plotted="cumulative",
            title=_("Contributions au fil du temps"),
            desc=_("Montant cumulé des contributions en cours ou encaissées, par période.")),
    })


@login_required
def manage(request, slug):
    return _render_manage(request, _project_for(request, slug, "funding.manage_project"))


@login_required
@require_POST
def post_update(request, slug):
    project = _project_for(request, slug, "funding.manage_project")
    form = UpdateForm(request.POST, prefix="update")
    if form.is_valid():
        try:
            update = project_services.update_post(project=project, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            if update.sent_to:
                messages.success(request, ngettext(
                    "Nouvelle publiée et envoyée par courriel à %(n)s personne qui contribue au projet ou le suit.",
                    "Nouvelle publiée et envoyée par courriel aux %(n)s personnes qui contribuent au projet ou le "
                    "suivent.", update.sent_to) % {"n": update.sent_to})
            else:
                messages.success(request, _("Nouvelle publiée sur la page du projet (personne ne le suit ni n'y "
                                            "contribue encore : aucun courriel envoyé)."))
            return redirect("funding:manage", slug=slug)
    return _render_manage(request, project, update_form=form)


@login_required
@require_POST
def rewards_fulfilled(request, slug):
    project = _project_for(request, slug, "funding.manage_project")
    # is_digits, not str.isdigit: "²".isdigit() is True, and int("²") fails.
    shown = [int(v) for v in request.POST.getlist("shown") if is_digits(v)]
    ticked = {int(v) for v in request.POST.getlist("fulfilled") if is_digits(v)}
    changed = 0
    for contribution in selectors.reward_contributions(project, shown):
        wanted = contribution.pk in ticked
        if contribution.reward_fulfilled != wanted:
            project_services.reward_mark_fulfilled(contribution=contribution, actor=request.user, fulfilled=wanted)
            changed += 1
    messages.success(request, ngettext("Suivi des contreparties enregistré (%(n)s modification).",
                                       "Suivi des contreparties enregistré (%(n)s modifications).",
                                       changed) % {"n": changed})
    return redirect(reverse("funding:manage", kwargs={"slug": slug}) + "#contributeurs")


@login_required
@require_POST
def offer_status(request, slug, offer_id):
    project = _project_for(request, slug, "funding.manage_project")
    offer = get_object_or_404(Offer, pk=offer_id, need__project=project)
    form = OfferStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une réponse."))
    else:
        try:
            need_services.offer_set_status(offer=offer, actor=request.user, status=form.cleaned_data["status"],
                                           answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            _refusal_message(request, exc)
        else:
            status = Offer.Status(form.cleaned_data["status"]).label
            messages.success(request, _("Proposition : %(status)s.") % {"status": status})
    return redirect(reverse("funding:manage", kwargs={"slug": slug}) + "#besoins")


@login_required
@require_POST
def loan_repayment(request, slug, contribution_id):
    project = _project_for(request, slug, "funding.manage_project")
    contribution = get_object_or_404(Contribution, pk=contribution_id, project=project, kind=Contribution.Kind.LOAN)
    form = RepaymentForm(request.POST, prefix=f"loan-{contribution.pk}")
    if form.is_valid():
        try:
            loan_services.loan_repayment_record(contribution=contribution, actor=request.user,
                                                amount_cents=form.cleaned_data["amount"],
                                                idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as exc:
            add_refusal(form, exc, {"invalid": "amount"})
        else:
            messages.success(request, _("Remboursement enregistré."))
            return redirect(reverse("funding:manage", kwargs={"slug": slug}) + "#prets")
    return _render_manage(request, project, repayment_forms={contribution.pk: form})


@login_required
def contributors_csv(request, slug):
    project = _project_for(request, slug, "funding.manage_project")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="contributeurs-{project.slug}.csv"'
    # The byte order mark tells spreadsheet applications the file is UTF-8;
    # semicolons and decimal commas are what they expect in French.
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Date"), _("Nom"), _("Montant (€)"), _("Type"), _("Contrepartie"), _("Statut"),
                     _("Message")])
    for c in selectors.contributors_for_holder(project):
        whole, rest = divmod(c.amount_cents, 100)
        # Every cell through the guard, not only the ones typed by people: one forgotten is enough.
        writer.writerow([csv_cell(cell) for cell in (
            timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            _("Anonyme") if c.anonymous else c.contributor.public_name,
            f"{whole},{rest:02d}",
            c.get_kind_display(),
            c.reward.title if c.reward else "",
            c.get_status_display(),
            c.message,
        )])
    return response
