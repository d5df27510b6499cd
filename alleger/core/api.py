"""What every app's API shares: the error contract (`{code, message}`, docs/api.md), pages, schema names.

`Api` is ninja's API with the contract kept on every answer; alleger/api.py builds the one instance and
adds each app's router. A `Refused` raised anywhere answers its own `status` with its `code`.
"""

import json
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.db import models
from django.http import Http404, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from . import ratelimit
from .http import as_head
from .text import clean_data

logger = logging.getLogger("django.request")


class TextParser(Parser):
    """JSON bodies with their text cleaned (alleger.core.text); query strings and forms are by the middleware."""

    def parse_body(self, request):
        return clean_data(json.loads(request.body))


class ErrorOut(Schema):
    code: str
    message: str


# --- authentication ----------------------------------------------------------

def anonymous(request):
    """Lets a public endpoint through without credentials (`request.user` stays the visitor)."""
    return True


class CredentialsRefused(AuthenticationError):
    """Credentials were presented and refused (alleger.accounts.auth.InvalidToken).

    Still a 401 `unauthenticated`, the code of no credentials (clients match on it); the `reason` and the
    `challenge` (the WWW-Authenticate header) say which.
    """

    reason: str
    challenge: str


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

#: The errors ninja raises itself (in English, without a code), by status.
NINJA_ERRORS = {
    400: ("malformed_json", gettext_lazy("Le corps de la requête n'est pas du JSON valide.")),
    403: ("csrf_failed", gettext_lazy("Jeton CSRF absent ou invalide : avec la session du navigateur, "
                                      "envoyez l'en-tête X-CSRFToken (ou utilisez un jeton d'API).")),
    429: ("throttled", gettext_lazy("Trop de requêtes ; réessayez plus tard.")),
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
        patterns = [URLPattern(p.pattern, self._keep_contract(p.callback), p.default_args, p.name)
                    for p in patterns]
        return [*patterns, re_path(r"", self._keep_contract(csrf_exempt(self._not_found)))], app_name, namespace

    def error(self, request, status: int, code: str, message: str, **extra):
        return self.create_response(request, {"code": code, "message": str(message), **extra}, status=status)

    def _keep_contract(self, view):
        """Wraps each URL of the API: HEAD runs GET and drops the body; 404 and 405 become `{code, message}`.

        The catch-all URL is `_not_found` itself: any method, with or without a CSRF token, is a JSON 404.
        """

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            head = request.method == "HEAD"
            if head:
                request.method = "GET"
            try:
                response = view(request, *args, **kwargs)
            except Http404:  # raised outside ninja's handlers (the API root)
                response = self._not_found(request)
            finally:
                if head:
                    request.method = "HEAD"
            if isinstance(response, HttpResponseNotAllowed):
                allowed = {m.strip() for m in response["Allow"].split(",")}
                if "GET" in allowed:
                    allowed.add("HEAD")
                response = self.error(request, 405, "method_not_allowed",
                                      _("La méthode %(method)s n'est pas permise ici ; permises : %(allowed)s.")
                                      % {"method": request.method, "allowed": ", ".join(sorted(allowed))})
                response["Allow"] = ", ".join(sorted(allowed))
            return as_head(response) if head else response

        return wrapped

    def _not_found(self, request, exc=None):
        return self.error(request, 404, "not_found", _("Introuvable."))

    def set_default_exception_handlers(self):
        for exc_class, handler in ((NinjaValidationError, self._on_invalid_input),
                                   (DjangoValidationError, self._on_refused),
                                   (Http404, self._not_found),
                                   (AuthenticationError, self._on_unauthenticated),
                                   (PermissionDenied, self._on_forbidden),
                                   (HttpError, self._on_http_error),
                                   (Exception, self._on_bug)):
            self.add_exception_handler(exc_class, handler)

    def _on_invalid_input(self, request, exc):
        detail = [{"loc": list(err.get("loc", ())), "field": _field(err.get("loc", ("body",))),
                   "message": _problem(err), "type": err.get("type", "")} for err in exc.errors]
        message = _("Données invalides : %(problems)s.") % {
            "problems": _(" ; ").join(_("%(field)s %(problem)s") % {"field": d["field"], "problem": d["message"]}
                                   for d in detail)}
        return self.error(request, 422, "invalid", message, detail=detail)

    def _on_refused(self, request, exc):
        """A `Refused` answers its own status; any other ValidationError (a model's, say) is a 400."""
        messages = exc.messages if hasattr(exc, "messages") else [str(exc)]
        code = getattr(exc, "code", None) or "invalid"
        response = self.error(request, getattr(exc, "status", 400), code, " ".join(str(m) for m in messages))
        if isinstance(exc, ratelimit.RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response

    def _on_unauthenticated(self, request, exc):
        if isinstance(exc, CredentialsRefused):
            response = self.error(request, 401, "unauthenticated", exc.reason)
            response["WWW-Authenticate"] = exc.challenge
        else:
            response = self.error(request, 401, "unauthenticated", _("Authentification requise."))
            response["WWW-Authenticate"] = "Bearer"  # RFC 9110: a 401 names the scheme to use
        return response

    def _on_forbidden(self, request, exc):
        return self.error(request, 403, "forbidden", _("Vous n'avez pas le droit de faire cela."))

    def _on_http_error(self, request, exc):
        code, message = NINJA_ERRORS.get(exc.status_code, ("error", exc.message))
        return self.error(request, exc.status_code, code, message)

    def _on_bug(self, request, exc):
        """A fault of ours is still a JSON answer; it is logged as Django logs a 500 (admins are told)."""
        if settings.DEBUG:
            raise exc
        got_request_exception.send(sender=None, request=request)  # error reporters (and the test client) hear of it
        logger.error("Internal Server Error: %s", request.path, exc_info=exc,
                     extra={"status_code": 500, "request": request})
        return self.error(request, 500, "server_error", _("Erreur interne du serveur ; elle a été signalée."))
