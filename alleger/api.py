"""The JSON API at /api/v1/: each app contributes a router; errors are {code, message}."""

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.responses import Status
from ninja.security import HttpBearer, django_auth

from alleger.accounts.services import api_token_authenticate, api_token_create


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


#: Authenticated endpoints accept a personal token or the browser session.
AUTH = [BearerToken(), django_auth]


def anonymous(request):
    """Lets a public endpoint through without credentials (`request.user` stays the visitor)."""
    return True


#: Public endpoints that show more to whoever presents a token or a session (a draft to its author).
OPTIONAL_AUTH = [*AUTH, anonymous]

api = NinjaAPI(
    title="Alléger API",
    version="1",
    description=(
        "Public and personal data of the Alléger platform. Authenticate with "
        "`Authorization: Bearer <token>` (create one on your profile page or with "
        "`POST /api/v1/auth/token`) or with the browser session. Errors are JSON "
        "objects `{code, message}` with a 4xx status."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": str(message), **extra}, status=status)


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc):
    return error(request, 422, "invalid", _("Les données envoyées sont invalides."), errors=exc.errors)


#: Refusals that are about the state of things rather than the request itself.
STATUS_BY_CODE = {
    "forbidden": 403,
    "payment_declined": 402,
    "campaign_closed": 409,
    "over_cap": 409,
    "reward_sold_out": 409,
    "too_late": 409,
    "not_cancellable": 409,
    "conflict_of_interest": 403,
    "idempotency_key_reused": 422,
    # interventions
    "asset_full": 409,
    "asset_closed": 409,
    "intervention_over": 409,
    "already_participant": 409,
    "organiser_cannot_leave": 409,
    "invalid_transition": 409,
    "level_too_low": 403,
    "private_not_allowed": 403,
    "not_a_member": 403,
    "project_not_yours": 403,
    "not_participant": 404,
    # discussions and proposals
    "unknown_target": 404,
    "already_flagged": 409,
    "already_removed": 409,
    "already_answered": 409,
    "already_decided": 409,
    "already_supported": 409,
    "not_supported": 409,
    "not_open": 409,
}


@api.exception_handler(DjangoValidationError)
def on_refused(request, exc):
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    code = getattr(exc, "code", None) or "invalid"
    return error(request, STATUS_BY_CODE.get(code, 400), code, " ".join(str(m) for m in messages))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Introuvable."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", _("Authentification requise."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", _("Vous n'avez pas le droit de faire cela."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, getattr(exc, "code", "error"), exc.message)


class TokenIn(Schema):
    email: str
    password: str
    name: str = "API"


class TokenOut(Schema):
    token: str
    name: str
    created_at: str


class ErrorOut(Schema):
    code: str
    message: str


@api.post("/auth/token", response={201: TokenOut, 401: ErrorOut}, tags=["auth"], auth=None)
def token_create(request, payload: TokenIn):
    """Exchange an e-mail and a password for a personal API token (shown once)."""
    user = authenticate(request, email=payload.email.strip().lower(), password=payload.password)
    if user is None or not user.is_active:
        return Status(401, {"code": "invalid_credentials", "message": _("E-mail ou mot de passe incorrect.")})
    # Same rule as the log-in form (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        return Status(401, {"code": "unverified", "message": _("Confirmez d'abord votre adresse e-mail.")})
    token, raw = api_token_create(user=user, name=payload.name)
    return Status(201, {"token": raw, "name": token.name, "created_at": token.created_at.isoformat()})


def _register_routers():
    from alleger.accounts.api import router as accounts_router
    from alleger.funding.api import (
        contributions_router,
        me_router,
        payments_router,
        projects_router,
    )
    from alleger.kits.api import router as kits_router
    from alleger.organisations.api import router as organisations_router
    from alleger.reports.api import router as reports_router
    from alleger.territories.api import router as territories_router

    api.add_router("/territories", territories_router, tags=["territories"])
    api.add_router("/organisations", organisations_router, tags=["organisations"])
    api.add_router("/me", accounts_router, tags=["me"])
    api.add_router("/me/contributions", me_router, tags=["contributions"])
    api.add_router("/projects", projects_router, tags=["projects"])
    api.add_router("/contributions", contributions_router, tags=["contributions"])
    api.add_router("/payments", payments_router, tags=["payments"])
    api.add_router("/kits", kits_router, tags=["kits"])
    api.add_router("/reports", reports_router, tags=["reports"])

    from alleger.interventions.api import geojson_router as interventions_geojson_router
    from alleger.interventions.api import router as interventions_router

    api.add_router("/interventions.geojson", interventions_geojson_router, tags=["interventions"])
    api.add_router("/interventions", interventions_router, tags=["interventions"])

    from alleger.assets.api import router as assets_router

    api.add_router("/", assets_router, tags=["assets"])

    from alleger.discussions.api import comments_router, flags_router
    from alleger.proposals.api import router as proposals_router

    api.add_router("/proposals", proposals_router, tags=["proposals"])
    api.add_router("/comments", comments_router, tags=["discussions"])
    api.add_router("/flags", flags_router, tags=["discussions"])


_register_routers()
