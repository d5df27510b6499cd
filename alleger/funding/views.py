"""Pages of the crowdfunding track.

Each view is thin: a form parses the input, a permission decides, a service
writes or a selector reads, a template renders. A refusal from a service
(`Refused`, a ValidationError) is shown to the person and changes nothing.
"""

import csv
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.cache import public_page
from alleger.core.templatetags.alleger import euros
from alleger.organisations.selectors import organisations_of
from alleger.territories.models import Neighbourhood, Territory

from . import selectors
from .forms import (
    ContributeForm,
    NeedForm,
    OfferForm,
    OfferStatusForm,
    PoolForm,
    ProjectFilterForm,
    ProjectForm,
    RepaymentForm,
    ReviewForm,
    RewardForm,
    StretchGoalForm,
    SupportForm,
    TopUpForm,
    UpdateForm,
)
from .models import Call, Contribution, MatchingPool, Need, Offer, Project, Reward
from .providers import get_provider
from .services import contributions as contribution_services
from .services import loans as loan_services
from .services import needs as need_services
from .services import projects as project_services
from .services import sponsors as sponsor_services

PAGE_SIZE = 24
MAP_LIMIT = 500


# --- helpers ------------------------------------------------------------------


def _project_for(request, slug, perm=None) -> Project:
    """The project if the person may see it (404 otherwise), then `perm` on it (403 otherwise)."""
    try:
        project = selectors.project_visible_get(slug)
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


def _add_refusal(form, exc: ValidationError, fields: dict | None = None) -> None:
    """Put a service's refusal on the field it concerns, or at the top of the form."""
    field = (fields or {}).get(getattr(exc, "code", None))
    if field not in form.fields or form.fields[field].widget.is_hidden:
        field = None
    form.add_error(field, exc.messages)


def _refusal_message(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


# --- listing and project page -----------------------------------------------------


@public_page
def project_list(request):
    territories = list(Territory.objects.order_by("name"))
    territory = next((t for t in territories if t.slug == request.GET.get("territoire")), None)
    themes = selectors.themes_of(territory)
    theme_choices = list({t.slug: (t.slug, t.name if territory else f"{t.name} ({t.territory.name})")
                          for t in themes}.values())
    neighbourhoods = Neighbourhood.objects.select_related("territory").order_by("territory__name", "name")
    if territory is not None:
        neighbourhoods = neighbourhoods.filter(territory=territory)
    neighbourhood_choices = list({n.slug: (n.slug, n.name if territory else f"{n.name} ({n.territory.name})")
                                  for n in neighbourhoods}.values())
    statuses = [(s.value, s.label) for s in Project.Status if s in selectors.PUBLIC_STATUSES]
    form = ProjectFilterForm(request.GET, territories=territories, themes=theme_choices,
                             neighbourhoods=neighbourhood_choices, statuses=statuses)
    filters = form.values()
    projects = selectors.project_list(territory=territory, status=filters.get("statut") or None,
                                      theme=filters.get("theme") or None,
                                      neighbourhood=filters.get("quartier") or None)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    located = list(projects.filter(lat__isnull=False, lon__isnull=False)[:MAP_LIMIT])
    return render(request, "funding/list.html", {
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "querystring": urlencode({k: v for k, v in filters.items() if v}),
        "territory": territory,
        "located": located,
        "geojson": selectors.map_features(located),
        "my_projects": selectors.projects_held_by(request.user)[:20],
    })


def _support_organisations(user):
    return [o for o in selectors.support_organisations_of(user) if user.has_perm("funding.support_project", o)]


def _render_project(request, project, *, offer_forms=None, support_form=None):
    user = request.user
    page = selectors.project_page(project, user=user)
    can_offer = (user.is_authenticated and user.has_perm("funding.offer_help")
                 and project.status in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED))
    offer_forms = offer_forms or {}
    organisations = list(organisations_of(user)) if can_offer else []
    needs = [(need, offer_forms.get(need.pk) or (OfferForm(organisations=organisations, prefix=f"offer-{need.pk}")
                                                  if can_offer and not need.fulfilled else None))
             for need in page["needs"]]
    support_orgs = _support_organisations(user)
    if support_orgs and support_form is None:
        support_form = SupportForm(organisations=selectors.support_organisations_of(user))
    url = request.build_absolute_uri(project.get_absolute_url())
    share_body = f"{project.summary}\n\n{url}"
    return render(request, "funding/detail.html", {
        "project": project,
        **page,
        "needs": needs,
        "themes": list(project.themes.all()),
        "absolute_url": url,
        "image_url": request.build_absolute_uri(project.image.url) if project.image else "",
        "mailto": f"mailto:?subject={quote(project.title)}&body={quote(share_body)}",
        "support_form": support_form if support_orgs else None,
        "can_manage": user.has_perm("funding.manage_project", project),
        "can_edit": (user.has_perm("funding.change_project", project)
                     and project.status in project_services.EDITABLE),
        "can_review": (user.has_perm("funding.review_project", project)
                       and project.status == Project.Status.SUBMITTED),
        "can_contribute": _open_for_contributions(project),
        "cancellable_until": contribution_services.cancellable_until(project),
    })


@public_page
def project_detail(request, slug):
    return _render_project(request, _project_for(request, slug))


@login_required
@require_POST
def follow(request, slug):
    project = _project_for(request, slug)
    following = request.POST.get("follow", "1") == "1"
    project_services.project_follow(project=project, user=request.user, follow=following)
    messages.success(request, _("Vous suivez ce projet : vous recevrez ses nouvelles.") if following
                     else _("Vous ne suivez plus ce projet."))
    return redirect(project)


@login_required
@require_POST
def offer(request, slug, need_id):
    project = _project_for(request, slug)
    if not request.user.has_perm("funding.offer_help"):
        raise PermissionDenied
    need = get_object_or_404(Need, pk=need_id, project=project)
    form = OfferForm(request.POST, organisations=organisations_of(request.user), prefix=f"offer-{need.pk}")
    if form.is_valid():
        try:
            need_services.offer_make(need=need, author=request.user, message=form.cleaned_data["message"],
                                     organisation=form.cleaned_data.get("organisation"))
        except ValidationError as exc:
            _add_refusal(form, exc)
        else:
            messages.success(request, _("Merci ! Votre proposition est transmise au porteur du projet."))
            return redirect(project.get_absolute_url() + "#besoins")
    return _render_project(request, project, offer_forms={need.pk: form})


@login_required
@require_POST
def support(request, slug):
    project = _project_for(request, slug)
    organisations = selectors.support_organisations_of(request.user)
    if not _support_organisations(request.user):
        raise PermissionDenied
    form = SupportForm(request.POST, organisations=organisations)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if not request.user.has_perm("funding.support_project", organisation):
            raise PermissionDenied
        try:
            sponsor_services.support_attach(project=project, organisation=organisation, actor=request.user,
                                            kind=form.cleaned_data["kind"],
                                            description=form.cleaned_data["description"],
                                            amount_cents=form.cleaned_data["amount"])
        except ValidationError as exc:
            _add_refusal(form, exc)
        else:
            messages.success(request, _("Votre soutien apparaît sur la page du projet."))
            return redirect(project.get_absolute_url() + "#soutiens")
    return _render_project(request, project, support_form=form)


# --- contributing ---------------------------------------------------------------

#: Refusal codes of contribution_create, and the field of the form they concern.
CONTRIBUTION_REFUSAL_FIELDS = {
    "below_minimum": "amount", "below_reward_minimum": "amount", "over_cap": "amount",
    "reward_sold_out": "reward", "kind_not_accepted": "kind", "payment_declined": "card_number",
}


def _open_for_contributions(project) -> bool:
    # Between the deadline and the settlement job's next run, the campaign is over already.
    return project.is_live and project.deadline is not None and project.deadline > timezone.now()


def _loan_schedule(project, amount_cents):
    return loan_services.schedule(Contribution(project=project, amount_cents=amount_cents))


@login_required
def contribute(request, slug):
    project = _project_for(request, slug, "funding.contribute")
    if not _open_for_contributions(project):
        messages.info(request, _("La campagne de ce projet n'est pas ouverte aux contributions."))
        return redirect(project)
    rewards = selectors.rewards_with_stock(project)
    schedule, schedule_amount = None, None
    if request.method == "POST":
        form = ContributeForm(request.POST, project=project, rewards=rewards)
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
                        payment_details=form.payment_details())
                except ValidationError as exc:
                    _add_refusal(form, exc, CONTRIBUTION_REFUSAL_FIELDS)
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
        form = ContributeForm(initial=initial, project=project, rewards=rewards)
    if schedule is None and project.accepts_loan and project.territory.allow_loan:
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
    })


@login_required
def my_contributions(request):
    now = timezone.now()
    rows = []
    for c in selectors.with_repaid(selectors.contributions_of(request.user)):
        row = {"contribution": c, "provider": get_provider(c.provider).label,
               "cancellable": selectors.is_cancellable(c, now)}
        if c.kind == Contribution.Kind.LOAN:
            repaid = c.repaid_cents or 0
            row.update(schedule=loan_services.schedule(c), repaid=repaid, owed=c.amount_cents - repaid)
        rows.append(row)
    return render(request, "funding/my_contributions.html", {
        "rows": rows,
        "my_projects": selectors.projects_held_by(request.user),
        "is_sponsor": selectors.sponsor_organisations_of(request.user).exists(),
    })


@login_required
@require_POST
def cancel(request, contribution_id):
    contribution = get_object_or_404(Contribution.objects.select_related("project"), pk=contribution_id)
    if not request.user.has_perm("funding.cancel_contribution", contribution):
        raise Http404  # someone else's contribution: not even its existence is shown
    try:
        contribution_services.contribution_cancel(contribution=contribution, actor=request.user)
    except ValidationError as exc:
        _refusal_message(request, exc)
    else:
        messages.success(request, _("Votre contribution est annulée : rien ne vous sera prélevé, ou vous êtes "
                                    "remboursé·e."))
    return redirect("funding:my_contributions")


# --- proposing and editing ------------------------------------------------------------


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
            _add_refusal(form, exc, {**ProjectForm.REFUSAL_FIELDS, "too_large": "image", "bad_format": "image"})
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
                _add_refusal(form, exc, {**ProjectForm.REFUSAL_FIELDS, "too_large": "image", "bad_format": "image"})
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
            _add_refusal(form, exc)
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
            _add_refusal(form, exc)
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
            _add_refusal(form, exc, {"invalid": "amount"})
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
            _add_refusal(form, exc)
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


# --- moderation -------------------------------------------------------------------


def _render_queue(request, territory, bound=None):
    queue = list(selectors.review_queue(territory))
    forms = {p.pk: ReviewForm(prefix=f"review-{p.pk}") for p in queue}
    if bound is not None:
        forms[bound[0]] = bound[1]
    return render(request, "funding/moderation_projects.html", {
        "territory": territory,
        "queue": [(p, forms[p.pk]) for p in queue],
    })


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
            _add_refusal(form, exc, {"message_required": "message"})
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


# --- the holder's dashboard ------------------------------------------------------------


def _render_manage(request, project, *, update_form=None, repayment_forms=None):
    repayment_forms = repayment_forms or {}
    loans = []
    for c in selectors.loans_of_project(project):
        repaid = c.repaid_cents or 0
        loans.append({"contribution": c, "schedule": loan_services.schedule(c), "repaid": repaid,
                      "owed": c.amount_cents - repaid,
                      "form": repayment_forms.get(c.pk) or RepaymentForm(prefix=f"loan-{c.pk}")})
    return render(request, "funding/manage.html", {
        "project": project,
        "update_form": update_form or UpdateForm(prefix="update"),
        "contributors": list(selectors.contributors_for_holder(project)),
        "needs": selectors.needs_with_offers(project),
        "loans": loans,
        "repayments_open": project.status == Project.Status.SUCCEEDED and project.paid_out_at is not None,
        "updates": list(project.updates.all()[:5]),
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
            project_services.update_post(project=project, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_refusal(form, exc)
        else:
            messages.success(request, _("Nouvelle publiée et envoyée aux contributeurs et aux personnes qui "
                                        "suivent le projet."))
            return redirect("funding:manage", slug=slug)
    return _render_manage(request, project, update_form=form)


@login_required
@require_POST
def rewards_fulfilled(request, slug):
    project = _project_for(request, slug, "funding.manage_project")
    shown = [int(v) for v in request.POST.getlist("shown") if v.isdigit()]
    ticked = {int(v) for v in request.POST.getlist("fulfilled") if v.isdigit()}
    changed = 0
    for contribution in selectors.reward_contributions(project, shown):
        wanted = contribution.pk in ticked
        if contribution.reward_fulfilled != wanted:
            project_services.reward_mark_fulfilled(contribution=contribution, actor=request.user, fulfilled=wanted)
            changed += 1
    messages.success(request, _("Suivi des contreparties enregistré (%(n)s modification(s)).") % {"n": changed})
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
            _add_refusal(form, exc, {"invalid": "amount"})
        else:
            messages.success(request, _("Remboursement enregistré."))
            return redirect(reverse("funding:manage", kwargs={"slug": slug}) + "#prets")
    return _render_manage(request, project, repayment_forms={contribution.pk: form})


def _csv_cell(value) -> str:
    """Text a spreadsheet shows as text: a leading =, +, - or @ would start a formula."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
        writer.writerow([
            timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
            _("Anonyme") if c.anonymous else _csv_cell(c.contributor.public_name),
            f"{whole},{rest:02d}",
            c.get_kind_display(),
            _csv_cell(c.reward.title if c.reward else ""),
            c.get_status_display(),
            _csv_cell(c.message),
        ])
    return response


# --- calls for projects and sponsors ------------------------------------------------------


def call_detail(request, territory, call):
    territory = _territory_for(request, territory)
    try:
        call = selectors.call_get(territory, call)
    except Call.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    return render(request, "funding/call.html", {
        "territory": territory,
        "call": call,
        "is_open": call.opens_at <= now < call.closes_at,
        "upcoming": now < call.opens_at,
        "projects": selectors.project_list(territory=territory, call=call),
    })


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
