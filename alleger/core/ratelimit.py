"""Rate limits on writes that can flood, and on the API's log-in, on allauth's own limiter.

allauth keeps a sliding window of timestamps per (action, rate, who) in
Django's cache — Redis in production, so a limit holds across workers — and
the log-in form already uses it. The same helper counts our actions, whose
rates are `settings.RATE_LIMITS` ("20/10m,100/d": amount/period, comma
separated). A signed-in person is counted by account; a visitor by IP
address. Refusals raise `RateLimited`, which pages (middleware) and the API
(exception handler) both turn into a 429 with a Retry-After header.
"""

import math
import time
from dataclasses import replace
from functools import wraps

from allauth.core.internal import ratelimit as allauth_ratelimit
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .errors import Refused


class RateLimited(Refused):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        minutes = math.ceil(retry_after / 60)
        if retry_after < 60:
            wait = ngettext_lazy("%(n)d seconde", "%(n)d secondes", retry_after) % {"n": retry_after}
        else:
            wait = ngettext_lazy("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
        super().__init__("rate_limited", _("Trop de demandes en peu de temps. Réessayez dans %(wait)s.")
                         % {"wait": wait}, status=429)


def _rates(app: str, action: str):
    if app != "alleger":
        return allauth_ratelimit.get_rates(app=app, action=action)
    # Ours are all per "key": the account when signed in, else the IP address.
    return [replace(rate, per="key") for rate in
            allauth_ratelimit.get_rates(app=app, action=action, config=settings.RATE_LIMITS)]


def _retry_after(request, *, app: str, action: str, key: str | None) -> int:
    """Seconds until each full window has room again (the longest wait wins)."""
    now, wait = time.time(), 1.0
    for rate in _rates(app, action):
        cache_key = allauth_ratelimit.get_cache_key(request, app=app, action=action, rate=rate, key=key)
        history = [ts for ts in cache.get(cache_key, []) if ts > now - rate.duration]
        if len(history) >= rate.amount:  # newest first: the amount-th newest must leave the window
            wait = max(wait, history[rate.amount - 1] + rate.duration - now)
    return math.ceil(wait)


def consume(request, *, action: str, app: str = "alleger", key: str | None = None, user=None):
    """Count one `action`; raise RateLimited past its limit. Returns a usage that `.rollback()` un-counts.

    Ours count `user` (default: the request's), or the IP address of a visitor.
    allauth's own actions (app="allauth.account") keep their own `per` and `key`.
    """
    if app == "alleger":
        user = user or getattr(request, "user", None)
        key = f"user:{user.pk}" if user is not None and user.is_authenticated else (
            f"ip:{allauth_ratelimit.get_ip(request)}")
    usage = allauth_ratelimit.RateLimitUsage(usage=[])
    for rate in _rates(app, action):
        single = allauth_ratelimit._consume_single_rate(request, app=app, action=action, rate=rate, key=key)
        if single is None:
            usage.rollback()  # a refused attempt does not eat the other windows
            raise RateLimited(_retry_after(request, app=app, action=action, key=key))
        usage.usage.append(single)
    return usage


def limit(action: str):
    """Decorator for a view or an API operation: POSTs count against `action` before anything else runs.

    A POST refused for its content (a form sent back with errors: 400, or a refusal raised) is given back:
    a person correcting a form, or a client fixing its requests, does not use up the allowance that
    limits what is actually created."""
    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            usage = consume(request, action=action)
            try:
                response = view(request, *args, **kwargs)
            except ValidationError:
                usage.rollback()
                raise
            if getattr(response, "status_code", None) == 400:
                usage.rollback()
            return response

        return wrapper

    return decorate
