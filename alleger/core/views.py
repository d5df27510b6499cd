from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from . import sections
from .cache import public_page
from .fragments import VisitorRequest, deferred
from .selectors import live_overview


@public_page
def home(request):
    # Deferred: read only when the shared fragment is rendered, not when it comes from the cache.
    return render(request, "core/home.html", {"sections": deferred(sections.of, "home", VisitorRequest(request)),
                                              "live": deferred(live_overview)})


@never_cache
def healthz(request):
    """Liveness probe for load balancers; also the framework floor in bench/."""
    return HttpResponse("ok", content_type="text/plain")


def language(request):
    """Switch the interface language (a plain GET form: no CSRF token, so pages stay cacheable)."""
    code = request.GET.get("language")
    target = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                            secure=settings.HTTPS)
        user = request.user
        if user.is_authenticated and user.preferred_language != code:
            # The e-mails follow: they are written in the account's language, far from any request.
            get_user_model().objects.filter(pk=user.pk).update(preferred_language=code)
    return response
