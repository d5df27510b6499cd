"""The JSON API at /api/v1/: each app contributes a router; every error is `{code, message}` (docs/api.md)."""

import json
import logging
from functools import wraps

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from ninja.responses import Status
from ninja.security import HttpBearer, django_auth

from alleger.accounts.services import api_token_authenticate, api_token_create
from alleger.core import ratelimit
from alleger.core.http import as_head
from alleger.core.text import clean_data

logger = logging.getLogger("django.request")


class InvalidToken(AuthenticationError):
    """A Bearer token was presented and is unknown, revoked or its account closed."""


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is None:
            # Refused rather than ignored: a client that sends a token means to act as its owner, and an
            # optional-auth endpoint must not quietly answer it as an anonymous visitor.
            raise InvalidToken
        request.user = user
        return user


#: Authenticated endpoints accept a personal token or the browser session.
AUTH = [BearerToken(), django_auth]


def anonymous(request):
    """Lets a public endpoint through without credentials (`request.user` stays the visitor)."""
    return True


#: Public endpoints that show more to whoever presents a token or a session (a draft to its author).
#: A token that is presented must be valid (401 otherwise); no credentials at all is the anonymous visitor.
OPTIONAL_AUTH = [*AUTH, anonymous]


class TextParser(Parser):
    """JSON bodies with their text cleaned (alleger.core.text); query strings and forms are by the middleware."""

    def parse_body(self, request):
        return clean_data(json.loads(request.body))


# --- pagination --------------------------------------------------------------

MAX_LIMIT = 500
#: Deeper than this, narrow the list with its filters. Refused (422), never clamped: an offset past any
#: real list is a client's mistake, and an unbounded one would reach the database as an overflowing integer.
MAX_OFFSET = 1_000_000


class Page(Schema):
    """`limit` and `offset` of every list endpoint: each list's filters extend it."""

    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"how many items, 1 to {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"how many items to skip, 0 to {MAX_OFFSET}")

    def of(self, items):
        """This page of a queryset or a list."""
        return items[self.offset:self.offset + self.limit]


class Pagination(LimitOffsetPagination):
    """ninja's `@paginate` (answers `{items, count}`) with the same bounds as `Page`."""

    Input = Page


# --- schema names ------------------------------------------------------------

def api_enum(choices: type[models.TextChoices], name: str) -> type[models.TextChoices]:
    """The same choices under a schema name of their own (`api_enum(Report.Status, "ReportStatus")`).

    The OpenAPI document names an enum after its class, and ninja files every schema in one namespace:
    two models' `Status` would be one entry, so one endpoint would document the other's values
    (`OpenAPI.conflicts` lists such names; a test keeps it empty).
    """
    return models.TextChoices(name, [(m.name, (m.value, m.label)) for m in choices], module=choices.__module__)


class OpenAPI(OpenAPISchema):
    """The OpenAPI document, with optional authentication documented as optional."""

    def __init__(self, *args, **kwargs):
        #: Schema names given to two different definitions (the later one silently replaces the first).
        self.conflicts: list[str] = []
        super().__init__(*args, **kwargs)

    def operation_security(self, operation):
        security = super().operation_security(operation)
        if security and anonymous in operation.auth_callbacks:
            security.append({})  # OpenAPI: an empty requirement means "or no credentials at all"
        return security

    def add_schema_definitions(self, definitions: dict) -> None:
        self.conflicts += [name for name, schema in definitions.items()
                           if name in self.schemas and self.schemas[name] != schema]
        super().add_schema_definitions(definitions)


# --- errors ------------------------------------------------------------------

class Api(NinjaAPI):
    """Beyond ninja's routing, every answer under /api/v1/ keeps the error contract: an unknown path is a
    404 and a wrong method a 405 (with `Allow`), both `{code, message}`, and HEAD answers as GET without
    a body (RFC 9110)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return OpenAPI(self, path_prefix)

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        patterns = [URLPattern(p.pattern, _keep_contract(p.callback), p.default_args, p.name) for p in patterns]
        return [*patterns, re_path(r"", _keep_contract(_unknown_path))], app_name, namespace


api = Api(
    title="Alléger API",
    version="1",
    description=(
        "Public and personal data of the Alléger platform. Authenticate with "
        "`Authorization: Bearer <token>` (create one on your profile page or with "
        "`POST /api/v1/auth/token`) or with the browser session; on endpoints where authentication is "
        "optional, no credentials means an anonymous visitor, but a token that is presented must be valid.\n\n"
        "**Errors** are JSON objects `{\"code\": …, \"message\": …}` with a 4xx status: `code` is stable, for "
        "programs; `message` is for people, in the language of the `django_language` cookie (French by "
        "default, `en` for English). 400 `malformed_json`, 401 `unauthenticated` (no credentials, or a token that is unknown or revoked), "
        "403 `forbidden`, 404 `not_found` (also for an unknown path), 405 `method_not_allowed` (with an "
        "`Allow` header), 409 for a refusal due to the state of things, 422 `invalid` (with `detail`: one "
        "entry per invalid field, `{loc, field, message, type}`). HEAD is accepted wherever GET is. "
        "Lists take `limit` (1–500) and `offset` (0–1 000 000). See docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    # No deep links: in Swagger UI they are links nested in the operations' buttons (WCAG 4.1.2).
    docs=Swagger(settings={"deepLinking": False}),
    parser=TextParser(),
)


def error(request, status: int, code: str, message: str, **extra):
    return api.create_response(request, {"code": code, "message": str(message), **extra}, status=status)


def _keep_contract(view):
    """Wraps each URL of the API: HEAD runs GET and drops the body; 404 and 405 become `{code, message}`."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = view(request, *args, **kwargs)
        except Http404:  # raised outside ninja's handlers (the API root)
            response = _not_found(request)
        finally:
            if head:
                request.method = "HEAD"
        if isinstance(response, HttpResponseNotAllowed):
            allowed = {m.strip() for m in response["Allow"].split(",")}
            if "GET" in allowed:
                allowed.add("HEAD")
            response = error(request, 405, "method_not_allowed",
                             _("La méthode %(method)s n'est pas permise ici ; permises : %(allowed)s.")
                             % {"method": request.method, "allowed": ", ".join(sorted(allowed))})
            response["Allow"] = ", ".join(sorted(allowed))
        return as_head(response) if head else response

    return wrapped


def _not_found(request):
    return error(request, 404, "not_found", _("Introuvable."))


@csrf_exempt  # any method, with or without a CSRF token, is a JSON 404 here
def _unknown_path(request):
    return _not_found(request)


#: pydantic's error types in words, for the `message` of a 422.
PROBLEMS = {
    "missing": gettext_lazy("est obligatoire"),
    "int_parsing": gettext_lazy("doit être un nombre entier"),
    "int_type": gettext_lazy("doit être un nombre entier"),
    "int_from_float": gettext_lazy("doit être un nombre entier"),
    "float_parsing": gettext_lazy("doit être un nombre"),
    "float_type": gettext_lazy("doit être un nombre"),
    "bool_parsing": gettext_lazy("doit être true ou false"),
    "bool_type": gettext_lazy("doit être true ou false"),
    "string_type": gettext_lazy("doit être un texte"),
    "greater_than_equal": gettext_lazy("doit être supérieur ou égal à %(ge)s"),
    "greater_than": gettext_lazy("doit être supérieur à %(gt)s"),
    "less_than_equal": gettext_lazy("doit être inférieur ou égal à %(le)s"),
    "less_than": gettext_lazy("doit être inférieur à %(lt)s"),
    "string_too_long": gettext_lazy("doit faire au plus %(max_length)s caractères"),
    "string_too_short": gettext_lazy("doit faire au moins %(min_length)s caractères"),
    "enum": gettext_lazy("doit être l'une des valeurs %(expected)s"),
    "literal_error": gettext_lazy("doit être l'une des valeurs %(expected)s"),
    "date_parsing": gettext_lazy("doit être une date AAAA-MM-JJ"),
    "date_from_datetime_parsing": gettext_lazy("doit être une date AAAA-MM-JJ"),
    "date_type": gettext_lazy("doit être une date AAAA-MM-JJ"),
    "datetime_parsing": gettext_lazy("doit être une date et une heure ISO 8601"),
    "datetime_from_date_parsing": gettext_lazy("doit être une date et une heure ISO 8601"),
    "dict_type": gettext_lazy("doit être un objet JSON"),
    "model_type": gettext_lazy("doit être un objet JSON"),
    "model_attributes_type": gettext_lazy("doit être un objet JSON"),
    "list_type": gettext_lazy("doit être une liste"),
}


def _field(loc) -> str:
    # ("query", "offset") → offset; ("body", "payload", "email") → email; ("body", "payload") → body
    names = [str(part) for part in loc[1:] if part != "payload"]
    return ".".join(names) or str(loc[0])


def _problem(err: dict) -> str:
    problem = PROBLEMS.get(err.get("type"))
    if problem is None:
        return _("est invalide")
    try:
        # pydantic lists enum values as "'a', 'b' or 'c'", in English: keep the values, drop the "or".
        ctx = {k: str(v).replace(" or ", ", ") for k, v in (err.get("ctx") or {}).items()}
        return str(problem) % ctx
    except (KeyError, TypeError, ValueError):
        return _("est invalide")


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc):
    detail = [{"loc": list(err.get("loc", ())), "field": _field(err.get("loc", ("body",))),
               "message": _problem(err), "type": err.get("type", "")} for err in exc.errors]
    message = _("Données invalides : %(problems)s.") % {
        "problems": _(" ; ").join(_("%(field)s %(problem)s") % {"field": d["field"], "problem": d["message"]}
                               for d in detail)}
    return error(request, 422, "invalid", message, detail=detail)


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
    "too_early": 409,
    "rate_limited": 429,
}


@api.exception_handler(DjangoValidationError)
def on_refused(request, exc):
    messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
    code = getattr(exc, "code", None) or "invalid"
    response = error(request, STATUS_BY_CODE.get(code, 400), code, " ".join(str(m) for m in messages))
    if isinstance(exc, ratelimit.RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _not_found(request)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    if isinstance(exc, InvalidToken):
        # Same code as no credentials (clients match on it); the message and the header say which.
        response = error(request, 401, "unauthenticated", _("Ce jeton d'API est inconnu ou a été révoqué."))
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    else:
        response = error(request, 401, "unauthenticated", _("Authentification requise."))
        response["WWW-Authenticate"] = "Bearer"  # RFC 9110: a 401 names the scheme to use
    return response


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error(request, 403, "forbidden", _("Vous n'avez pas le droit de faire cela."))


#: The errors ninja raises itself (in English, without a code), by status.
NINJA_ERRORS = {
    400: ("malformed_json", gettext_lazy("Le corps de la requête n'est pas du JSON valide.")),
    403: ("csrf_failed", gettext_lazy("Jeton CSRF absent ou invalide : avec la session du navigateur, "
                                      "envoyez l'en-tête X-CSRFToken (ou utilisez un jeton d'API).")),
    429: ("throttled", gettext_lazy("Trop de requêtes ; réessayez plus tard.")),
}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    code, message = NINJA_ERRORS.get(exc.status_code, ("error", exc.message))
    return error(request, exc.status_code, code, message)


@api.exception_handler(Exception)
def on_bug(request, exc):
    """A fault of ours is still a JSON answer; it is logged as Django logs a 500 (admins are told)."""
    if settings.DEBUG:
        raise exc
    got_request_exception.send(sender=None, request=request)  # error reporters (and the test client) hear of it
    logger.error("Internal Server Error: %s", request.path, exc_info=exc,
                 extra={"status_code": 500, "request": request})
    return error(request, 500, "server_error", _("Erreur interne du serveur ; elle a été signalée."))


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


class ErrorOut(Schema):
    code: str
    message: str


@api.post("/auth/token", response={201: TokenOut, 401: ErrorOut, 429: ErrorOut}, tags=["auth"], auth=None)
def token_create(request, payload: TokenIn):
    """Exchange an e-mail and a password for a personal API token (shown once).

    Rate-limited like the log-in form, with the same counters (per IP address
    and per e-mail address): past the limit, 429 with Retry-After.
    """
    email = payload.email.strip().lower()
    # Counted before the password is hashed, so that refused attempts cost nothing.
    ratelimit.consume(request, app="allauth.account", action="login")
    attempt = ratelimit.consume(request, app="allauth.account", action="login_failed",
                                key=get_adapter()._get_login_attempts_cache_key(request, email=email))
    user = authenticate(request, email=email, password=payload.password)
    if user is not None:
        attempt.rollback()  # like allauth: a success does not count as a failure
    if user is None or not user.is_active:
        return Status(401, {"code": "invalid_credentials", "message": _("E-mail ou mot de passe incorrect.")})
    # Same rule as the log-in form (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        return Status(401, {"code": "unverified", "message": _("Confirmez d'abord votre adresse e-mail.")})
    token, raw = api_token_create(user=user, name=payload.name, expires_in_days=payload.expires_in_days)
    return Status(201, {"token": raw, "name": token.name, "created_at": token.created_at.isoformat(),
                        "expires_at": token.expires_at.isoformat() if token.expires_at else None})


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
