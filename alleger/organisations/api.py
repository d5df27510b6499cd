from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from alleger.accounts.auth import PUBLIC
from alleger.core.api import api_enum

from . import selectors
from .models import Organisation

router = Router()

OrganisationKind = api_enum(Organisation.Kind, "OrganisationKind")


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    website: str
    territory: str | None
    is_sponsor: bool
    member_count: int
    url: str


def _out(request, organisation) -> dict:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        "website": organisation.website,
        "territory": organisation.territory.slug if organisation.territory else None,
        "is_sponsor": organisation.is_sponsor,
        "member_count": organisation.member_count,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }


@router.get("", response=list[OrganisationOut], auth=PUBLIC)
def organisation_list(request, kind: OrganisationKind | None = None,
                      q: str = Query("", max_length=100, description="Words searched in the name and presentation, "
                                     "accents and case ignored.")):
    """Associations, companies, public bodies and collectives."""
    return [_out(request, o) for o in selectors.organisation_list(kind=kind, q=q)]


@router.get("/{slug}", response=OrganisationOut, auth=PUBLIC)
def organisation_detail(request, slug: str):
    return _out(request, get_object_or_404(selectors.organisation_list(), slug=slug))
