"""Proposals API: list and detail (public), support and withdraw (authenticated)."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from alleger.accounts.auth import AUTH, PUBLIC
from alleger.core.api import Page
from alleger.core.ratelimit import limit
from alleger.discussions.selectors import is_hidden
from alleger.territories.selectors import territory_named

from . import selectors, services
from .models import Proposal

router = Router()


class ProposalOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    territory: str
    author: str
    supports_count: int
    asset: int | None
    created_at: datetime
    url: str


class ProposalDetailOut(ProposalOut):
    body: str
    answer: str
    answered_at: datetime | None
    supported: bool = Field(description="whether the authenticated person supports it")


class ProposalFilters(Page):
    territory: str | None = None
    status: Literal[tuple(Proposal.Status.values)] | None = None  # type: ignore[valid-type]
    kind: Literal[tuple(Proposal.Kind.values)] | None = None  # type: ignore[valid-type]
    sort: Literal["recent", "supports"] = "recent"
    q: str = Field("", max_length=100, description="Words searched in the title and text, accents and case ignored.")


class SupportOut(Schema):
    proposal: int
    supports_count: int
    supported: bool


def _out(request, p: Proposal) -> dict:
    return {"id": p.pk, "title": p.title, "kind": p.kind, "status": p.status, "territory": p.territory.slug,
            "author": p.author.public_name, "supports_count": p.supports_count, "asset": p.asset_id,
            "created_at": p.created_at, "url": request.build_absolute_uri(p.get_absolute_url())}


def _visible(request, proposal_id: int) -> Proposal:
    proposal = get_object_or_404(Proposal.objects.select_related("territory", "author"), pk=proposal_id)
    if is_hidden(proposal) and not request.user.has_perm("discussions.moderate", proposal):
        raise Http404
    return proposal


@router.get("", response=list[ProposalOut], auth=PUBLIC)
def proposal_list(request, filters: Query[ProposalFilters]):
    """Proposals, newest first or most supported first (`sort=supports`); hidden ones are left out."""
    territory = territory_named(filters.territory) if filters.territory else None
    qs = selectors.proposal_list(territory=territory, status=filters.status, kind=filters.kind,
                                 sort="soutiens" if filters.sort == "supports" else "recent", q=filters.q)
    return [_out(request, p) for p in filters.of(qs)]


@router.get("/{int:proposal_id}", response=ProposalDetailOut, auth=PUBLIC)
def proposal_detail(request, proposal_id: int):
    p = _visible(request, proposal_id)
    return {**_out(request, p), "body": p.body, "answer": p.answer, "answered_at": p.answered_at,
            "supported": selectors.supports(p, request.user)}


@router.post("/{int:proposal_id}/supports", response={201: SupportOut}, auth=AUTH)
@limit("proposal_support")
def support_create(request, proposal_id: int):
    """Support a proposal (once; 409 `already_supported` the second time, `not_open` once answered)."""
    proposal = _visible(request, proposal_id)
    # A closed proposal is refused by the service with its own message (409 not_open).
    if proposal.is_open and not request.user.has_perm("proposals.support_proposal", proposal):
        raise PermissionDenied
    proposal = services.proposal_support(proposal=proposal, user=request.user)
    return Status(201, {"proposal": proposal.pk, "supports_count": proposal.supports_count, "supported": True})


@router.delete("/{int:proposal_id}/supports", response=SupportOut, auth=AUTH)
def support_delete(request, proposal_id: int):
    """Withdraw one's support (409 `not_supported` if there is none)."""
    proposal = services.proposal_withdraw_support(proposal=_visible(request, proposal_id), user=request.user)
    return {"proposal": proposal.pk, "supports_count": proposal.supports_count, "supported": False}
