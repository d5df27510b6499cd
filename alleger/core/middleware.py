from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
