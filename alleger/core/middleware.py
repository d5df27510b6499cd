from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from . import fragments


class LanguageMiddleware:
    """French unless the person chose otherwise.

    Unlike Django's LocaleMiddleware this ignores Accept-Language: the
    platform serves French territories, so a browser set to English still
    starts in French, and the language switch (a cookie) decides after that.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class RateLimitedMiddleware:
    """A page whose action is over its rate limit (core.ratelimit) answers 429 with the reason.

    The API and Open311 turn the same refusal into their own error formats.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render
        from django.utils.http import url_has_allowed_host_and_scheme

        from .ratelimit import RateLimited

        if not isinstance(exception, RateLimited):
            return None
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = ""
        response = render(request, "core/429.html", {"message": exception.messages[0], "back": back}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response


class MethodNotAllowedPage:
    """@require_POST answers 405 with an empty body: a blank page for someone who reloads
    a form's target or follows a link to it. This gives it the error page (the layout, the
    visitor's language, where to go); the Allow header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            from alleger.core.error_views import method_not_allowed

            page = method_not_allowed(request)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, with two savings for a GET that sends a session cookie (a logged-in page):

    * the session is loaded at once, and with it the data version (`core.sessions`: one round trip),
      so the version is read before any data the page shows (`core.fragments`);
    * the person comes from this process's memory when the session names the same person, through the
      same backend, at the same data version: any write (a new password, a deactivated account, a
      changed name) changes the version, so a remembered person is never older than the version the
      page's fragments are keyed by. Only the happy path is remembered: the backend's own answer,
      then the session's hash checked exactly as `django.contrib.auth.get_user` does; anything else
      (no hash, a hash of a fallback secret, an inactive person) goes through Django's code.
    """

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))
        if request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME in request.COOKIES:
            request.session.get(auth.SESSION_KEY)  # loads the session, and the data version with it


#: (user id, backend, data version) → the person, as the backend gave them (alleger/core/fragments.py).
_people = fragments.Remembered(1024)


def _user(request):
    if not hasattr(request, "_cached_user"):
        user = _remembered_user(request)
        if user is None:
            user = auth.get_user(request)
            if user.is_authenticated:
                _remember(request, user)
        request._cached_user = user
    return request._cached_user


def _person_key(request) -> tuple | None:
    if not settings.FRAGMENT_CACHE_SECONDS:
        return None  # every cache of the data version off
    session = request.session
    try:
        key = (str(session[auth.SESSION_KEY]), session[auth.BACKEND_SESSION_KEY])
    except KeyError:
        return None
    version = fragments.data_version(request)
    if version is None or key[1] not in settings.AUTHENTICATION_BACKENDS:
        return None
    return (*key, version)


def _remembered_user(request):
    key = _person_key(request)
    user = None if key is None else _people.get(key)
    if user is None or user is fragments.NOT_READ:
        return None
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, fragments.session_auth_hash(user)):
        return None
    return user


def _remember(request, user) -> None:
    key = _person_key(request)
    if key is not None and key[0] == str(user.pk):
        _people.set(key, user)
