"""Crowdfunding API: projects, contributions (idempotent), cancellations, provider webhooks."""

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from alleger.accounts.auth import AUTH, PUBLIC
from alleger.core.api import Page
from alleger.core.errors import Refused
from alleger.core.numbers import CardNumber, WholeNumber
from alleger.core.ratelimit import limit
from alleger.organisations.models import Organisation
from alleger.territories.selectors import territory_named

from . import selectors
from .models import Contribution, Project, Reward
from .providers import InvalidWebhook, get_provider
from .services import contributions as contribution_services
from .services import payments as payment_services

projects_router = Router()
contributions_router = Router(auth=AUTH)
me_router = Router(auth=AUTH)
payments_router = Router()


class ProjectOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    territory: str
    status: str
    goal_cents: int
    pledged_cents: int
    matched_cents: int
    total_cents: int
    contributors_count: int
    deadline: datetime | None
    days_left: int | None
    neighbourhood: str | None
    lat: float | None
    lon: float | None
    url: str


class RewardOut(Schema):
    id: int
    title: str
    description: str
    min_amount_cents: int
    quantity: int | None
    remaining: int | None


class StretchGoalOut(Schema):
    amount_cents: int
    title: str
    reached: bool


class NeedOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    fulfilled: bool


class ProjectDetailOut(ProjectOut):
    story: str
    themes: list[str]
    accepts_donation: bool
    accepts_loan: bool
    loan_term_months: int | None
    rewards: list[RewardOut]
    stretch_goals: list[StretchGoalOut]
    needs: list[NeedOut]


def _project_out(request, project: Project) -> dict:
    return {
        "id": project.pk, "slug": project.slug, "title": project.title, "summary": project.summary,
        "territory": project.territory.slug, "status": project.status, "goal_cents": project.goal_cents,
        "pledged_cents": project.pledged_cents, "matched_cents": project.matched_cents,
        "total_cents": project.total_cents, "contributors_count": project.contributors_count,
        "deadline": project.deadline, "days_left": selectors.days_left(project),
        "neighbourhood": project.neighbourhood.slug if project.neighbourhood else None,
        "lat": project.lat, "lon": project.lon,
        "url": request.build_absolute_uri(project.get_absolute_url()),
    }


class ProjectFilters(Page):
    territory: str | None = None
    status: Literal["published", "succeeded", "failed"] | None = None
    theme: str | None = None
    neighbourhood: str | None = None
    q: str = Field("", max_length=100, description="Words searched in the title and summary, accents and case ignored.")


@projects_router.get("", response=list[ProjectOut], auth=PUBLIC)
def project_list(request, filters: Query[ProjectFilters]):
    """Public projects (in campaign, funded or not funded), newest campaigns first."""
    territory = None
    if filters.territory:

        territory = territory_named(filters.territory)
    qs = selectors.project_list(territory=territory, status=filters.status, theme=filters.theme,
                                neighbourhood=filters.neighbourhood, q=filters.q)
    return [_project_out(request, p) for p in filters.of(qs)]


@projects_router.get("/{int:project_id}", response=ProjectDetailOut, auth=PUBLIC)
def project_detail(request, project_id: int):
    project = get_object_or_404(Project.objects.select_related("territory", "neighbourhood"), pk=project_id)
    if not request.user.has_perm("funding.view_project", project):
        raise Http404
    return {
        **_project_out(request, project),
        "story": project.story,
        "themes": [t.slug for t in project.themes.all()],
        "accepts_donation": project.accepts_donation,
        "accepts_loan": project.accepts_loan,
        "loan_term_months": project.loan_term_months,
        "rewards": [{"id": r.pk, "title": r.title, "description": r.description,
                     "min_amount_cents": r.min_amount_cents, "quantity": r.quantity, "remaining": r.remaining}
                    for r in project.rewards.all()],
        "stretch_goals": [{"amount_cents": g.amount_cents, "title": g.title,
                           "reached": project.total_cents >= g.amount_cents} for g in project.stretch_goals.all()],
        "needs": [{"id": n.pk, "kind": n.kind, "title": n.title, "description": n.description,
                   "fulfilled": n.fulfilled} for n in project.needs.all()],
    }


class ContributionIn(Schema):
    # The same rules as the contribution form (alleger.core.numbers): ASCII digits only.
    amount_cents: WholeNumber = Field(..., gt=0, le=100_000_000)
    kind: Literal["donation", "loan"] = "donation"
    reward_id: int | None = None
    anonymous: bool = False
    message: str = Field("", max_length=500)
    provider: Literal["simulated_card", "offline"] = "simulated_card"
    card_number: CardNumber = Field(None, max_length=30,
                                    description="simulated_card only: a test card number (12 to 19 digits)")
    organisation_id: int | None = Field(None, description=(
        "Give as this organisation (you must administer it): it is the backer shown on the project, you still "
        "pay. 403 `forbidden` otherwise."))


class ContributionOut(Schema):
    id: int
    project_id: int
    project_title: str
    kind: str
    amount_cents: int
    matched_cents: int
    reward_id: int | None
    organisation_id: int | None = Field(..., description="The organisation shown as the backer, if any")
    anonymous: bool
    status: str
    provider: str
    provider_reference: str
    created_at: datetime
    cancellable_until: datetime | None


def _contribution_out(contribution: Contribution) -> dict:
    return {
        "id": contribution.pk, "project_id": contribution.project_id,
        "project_title": contribution.project.title, "kind": contribution.kind,
        "amount_cents": contribution.amount_cents, "matched_cents": contribution.matched_cents,
        "reward_id": contribution.reward_id, "organisation_id": contribution.organisation_id,
        "anonymous": contribution.anonymous, "status": contribution.status,
        "provider": contribution.provider, "provider_reference": contribution.provider_reference,
        "created_at": contribution.created_at,
        "cancellable_until": contribution_services.cancellable_until(contribution.project),
    }


@projects_router.post("/{int:project_id}/contributions", response={200: ContributionOut, 201: ContributionOut},
                      auth=AUTH)
@limit("contribution")
def contribution_create(request: HttpRequest, project_id: int, payload: ContributionIn,
                        idempotency_key: str = Header(..., alias="Idempotency-Key")):
    """Back a project. The `Idempotency-Key` header makes retries safe: an exact repeat returns the first
    contribution (status 200) instead of creating another; the same key with different parameters is
    refused (422, `idempotency_key_reused`)."""
    project = get_object_or_404(Project, pk=project_id)
    if not request.user.has_perm("funding.view_project", project):
        raise Http404  # a project that is not public does not exist for others, here as on its page
    if not request.user.has_perm("funding.contribute"):
        raise PermissionDenied
    reward = None
    if payload.reward_id is not None:
        reward = Reward.objects.filter(pk=payload.reward_id, project=project).first()
        if reward is None:
            raise Refused("invalid", _("Cette contrepartie n'existe pas pour ce projet."))
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise Refused("invalid", _("Cette organisation n'existe pas."))
    contribution, created = contribution_services.contribution_create(
        project=project, contributor=request.user, amount_cents=payload.amount_cents, kind=payload.kind,
        organisation=organisation,
        reward=reward, anonymous=payload.anonymous, message=payload.message, provider=payload.provider,
        payment_details={"card_number": payload.card_number} if payload.card_number else {},
        idempotency_key=idempotency_key.strip(),
    )
    return Status(201 if created else 200, _contribution_out(contribution))


@me_router.get("", response=list[ContributionOut])
def my_contributions(request):
    """Your contributions, newest first, with their status."""
    return [_contribution_out(c) for c in selectors.contributions_of(request.user)]


@contributions_router.delete("/{int:contribution_id}", response=ContributionOut)
def contribution_cancel(request, contribution_id: int):
    """Cancel one of your contributions, until 24 h before the campaign's deadline."""
    contribution = get_object_or_404(Contribution.objects.select_related("project"), pk=contribution_id)
    if contribution.contributor_id != request.user.pk:
        raise Http404
    contribution = contribution_services.contribution_cancel(contribution=contribution, actor=request.user)
    return _contribution_out(contribution)


class WebhookOut(Schema):
    received: bool
    duplicate: bool


@payments_router.post("/webhooks/{provider}", response=WebhookOut, auth=None)
def webhook(request, provider: str):
    """Notifications from a payment provider, signed by it. Each event is processed once."""
    if provider not in settings.PAYMENT_PROVIDERS:
        raise Http404
    try:
        event = get_provider(provider).parse_webhook(request.body, request.headers)
    except InvalidWebhook as exc:
        raise Refused("invalid_webhook", str(exc)) from None
    duplicate = not payment_services.webhook_receive(provider=provider, event=event, payload=request.body)
    return {"received": True, "duplicate": duplicate}
