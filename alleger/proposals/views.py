from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.assets.models import Asset
from alleger.core.forms import add_refusal
from alleger.core.numbers import is_digits
from alleger.core.ratelimit import limit
from alleger.discussions.selectors import is_hidden
from alleger.territories.models import Territory

from . import selectors, services
from .forms import AnswerForm, FilterForm, ProposalForm
from .models import Proposal

PAGE_SIZE = 30


def _proposal(pk) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("territory", "author", "asset", "answered_by"), pk=pk)


def proposal_list(request):
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    proposals = selectors.proposal_list(territory=filters.get("territoire"), status=filters.get("statut") or None,
                                        kind=filters.get("type") or None, sort=filters.get("tri") or "recent",
                                        q=filters.get("q") or "")
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "proposals/list.html", {
        "form": form, "page": page,
        "querystring": urlencode({k: getattr(v, "slug", v) for k, v in filters.items() if v}),
        "can_add": request.user.has_perm("proposals.add_proposal"),
    })


def proposal_detail(request, pk, answer_form=None, status=200):
    proposal = _proposal(pk)
    user = request.user
    hidden = is_hidden(proposal)
    can_answer = user.has_perm("proposals.answer_proposal", proposal)
    return render(request, "proposals/detail.html", {
        "proposal": proposal,
        "hidden": hidden and not user.has_perm("discussions.moderate", proposal),
        "moderator_sees_hidden": hidden,
        "supported": selectors.supports(proposal, user),
        "can_support": user.has_perm("proposals.support_proposal", proposal),
        "can_answer": can_answer,
        "answer_form": answer_form or AnswerForm(initial={"status": proposal.status, "answer": proposal.answer}),
    }, status=status)


@login_required
@limit("proposal")
def proposal_create(request):
    if not request.user.has_perm("proposals.add_proposal"):
        raise PermissionDenied
    initial = {}
    asset = None
    if is_digits(request.GET.get("dispositif", "")):
        asset = Asset.objects.filter(pk=request.GET["dispositif"], moderation=Asset.Moderation.PUBLISHED).first()
        if asset is not None:
            initial = {"asset": asset.pk, "territory": asset.territory_id, "kind": Proposal.Kind.OPEN_SPACE}
    if request.GET.get("territoire"):
        territory = Territory.objects.filter(slug=request.GET["territoire"]).first()
        if territory is not None:
            initial.setdefault("territory", territory.pk)
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Votre proposition est publiée : partagez-la pour recueillir des soutiens."))
            return redirect(proposal)
    if request.method == "POST":
        asset = form.cleaned_data.get("asset")
    return render(request, "proposals/form.html", {"form": form, "asset": asset},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
@limit("proposal_support")
def proposal_support(request, pk):
    proposal = _proposal(pk)
    if not request.user.has_perm("proposals.support_proposal", proposal):
        messages.error(request, _("Cette proposition a reçu sa réponse : elle ne recueille plus de soutiens."))
        return redirect(proposal)
    try:
        services.proposal_support(proposal=proposal, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Merci : votre soutien est compté."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_withdraw(request, pk):
    proposal = _proposal(pk)
    try:
        services.proposal_withdraw_support(proposal=proposal, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Votre soutien est retiré."))
    return redirect(proposal)


@login_required
@require_POST
def proposal_answer(request, pk):
    proposal = _proposal(pk)
    if not request.user.has_perm("proposals.answer_proposal", proposal):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_answer(proposal=proposal, moderator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"answer_required": "answer", "invalid_transition": "status"})
        else:
            messages.success(request, _("Réponse publiée ; l'auteur et les soutiens en sont informés."))
            return redirect(proposal)
    return proposal_detail(request, pk, answer_form=form, status=400)
