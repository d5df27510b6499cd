from ninja import Router, Schema

from alleger.api import AUTH

from .selectors import personal_data_export

router = Router(auth=AUTH)


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    public_name: str
    neighbourhood: str | None
    organisations: list[str]


@router.get("", response=MeOut)
def me(request):
    """The account behind the token or session."""
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "public_name": user.public_name,
        "neighbourhood": user.neighbourhood.slug if user.neighbourhood else None,
        "organisations": [m.organisation.slug for m in user.memberships.select_related("organisation")],
    }


@router.get("/export")
def export(request):
    """Everything the platform holds about you (RGPD portability)."""
    return personal_data_export(request.user)
