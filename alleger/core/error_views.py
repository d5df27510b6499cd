"""The error pages (handler400/403/404/500 in alleger/urls.py, CSRF_FAILURE_VIEW): inside the
site's layout, in the visitor's language, saying what happened and where to go next.

Paths of the machine interfaces (/api/, /open311/) get the API's error shape,
`{"code", "message"}`, instead of a page, or the shape the app serving the
path registers (`register_error_shape`: Open311's list of {code, description},
in XML for a .xml path).
"""

import logging

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

MACHINE_PREFIXES = ("/api/", "/open311/")


def _messages():
    return {
        400: ("bad_request", _("La demande est mal formée.")),
        403: ("forbidden", _("Vous n'avez pas accès à cette page.")),
        404: ("not_found", _("Cette page n'existe pas.")),
        405: ("method_not_allowed", _("Cette adresse n'accepte pas ce type de demande.")),
        500: ("server_error", _("Une erreur est survenue de notre côté.")),
    }


#: Path prefix -> answer(request, status, code, message): a machine interface's own error shape.
_shapes: dict = {}


def register_error_shape(prefix: str, answer) -> None:
    """Errors under `prefix` are answered by `answer(request, status, code, message)` (AppConfig.ready())."""
    _shapes[prefix] = answer


def _for_machines(request) -> bool:
    return request.path.startswith(MACHINE_PREFIXES)


def _machine_answer(request, status: int, code: str, message: str):
    for prefix, answer in _shapes.items():
        if request.path.startswith(prefix):
            return answer(request, status, code, message)
    return JsonResponse({"code": code, "message": message}, status=status)


def _context(request, status: int) -> dict:
    """What every error page may show: the page the visitor came from (on this site only)
    and the contact address. Reads nothing but the request's headers."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        safe = referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                           require_https=request.is_secure())
    except DisallowedHost:  # the very reason for a 400
        safe = False
    return {"status": status, "back_url": referer if safe else "", "CONTACT_EMAIL": settings.CONTACT_EMAIL}


def _answer(request, status: int, template: str, reason: str = ""):
    code, message = _messages()[status]
    if _for_machines(request):
        return _machine_answer(request, status, code, reason or message)
    return render(request, template, {**_context(request, status), "reason": reason}, status=status)


def bad_request(request, exception=None):
    return _answer(request, 400, "errors/400.html")


def permission_denied(request, exception=None):
    # Only our own Forbidden says why: another PermissionDenied's text is not written for people.
    return _answer(request, 403, "errors/403.html", reason=str(getattr(exception, "reason", "")))


def page_not_found(request, exception=None):
    return _answer(request, 404, "errors/404.html")


def method_not_allowed(request):
    """Not a Django handler: MethodNotAllowedPage (alleger.core.middleware) calls it for the
    empty 405 of @require_POST, e.g. when someone reloads the target of a form."""
    return _answer(request, 405, "errors/405.html")


def csrf_failure(request, reason=""):
    if _for_machines(request):
        message = _("Le jeton de sécurité du formulaire manque ou a expiré.")
        return _machine_answer(request, 403, "csrf_failed", message)
    return render(request, "errors/csrf.html", _context(request, 403), status=403)


def server_error(request):
    """Whatever broke may be the database, a context processor or the session: the page is
    rendered from a plain context (no request, no user, no query)."""
    code, message = _messages()[500]
    if _for_machines(request):
        return _machine_answer(request, 500, code, message)
    try:
        body = loader.get_template("errors/500.html").render(_context(request, 500))
    except Exception:  # the layout itself is broken: still answer something readable
        logger.exception("the 500 page could not be rendered")
        body = f"<!DOCTYPE html><title>{message}</title><h1>{message}</h1><p><a href='/'>Alléger</a></p>"
    return HttpResponse(body, status=500)
