from ninja import Field, Router, Schema
from ninja.responses import Status

from alleger.core.api import ErrorOut

from .auth import AUTH
from .selectors import personal_data_export
from .services import api_token_issue

router = Router(auth=AUTH)
auth_router = Router()


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


class TokenIn(Schema):
    email: str
    password: str
    name: str = "API"
    expires_in_days: int | None = Field(None, description="1 to 365; none: until revoked or the password changes")


class TokenOut(Schema):
    token: str
    name: str
    created_at: str
    expires_at: str | None


@auth_router.post("/token", response={201: TokenOut, 401: ErrorOut, 429: ErrorOut}, auth=None)
def token_create(request, payload: TokenIn):
    """Exchange an e-mail and a password for a personal API token (shown once).

    Rate-limited like the log-in form, with the same counters (per IP address
    and per e-mail address): past the limit, 429 with Retry-After.
    """
    token, raw = api_token_issue(request=request, email=payload.email, password=payload.password,
                                 name=payload.name, expires_in_days=payload.expires_in_days)
    return Status(201, {"token": raw, "name": token.name, "created_at": token.created_at.isoformat(),
                        "expires_at": token.expires_at.isoformat() if token.expires_at else None})
