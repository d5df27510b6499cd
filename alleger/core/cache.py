"""Whole-page caching for anonymous visitors.

Public pages (home, territory front pages, project pages and listings) are
the same for every visitor without an account. They are cached per path,
query string and language for a short time, so a traffic peak on a campaign
costs one render per minute instead of one per visit. Anyone with a session,
a message waiting or a CSRF cookie gets a fresh render. Changes show to
anonymous visitors within PAGE_CACHE_SECONDS; people who act are logged in
and always see the live state.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.utils.cache import patch_cache_control


def _cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    # Only the language cookie may be present: a session, CSRF or messages
    # cookie means the page may be personal.
    return set(request.COOKIES) <= {settings.LANGUAGE_COOKIE_NAME}


def public_page(view):
    """Serve a view's anonymous responses from the cache for PAGE_CACHE_SECONDS."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _cacheable(request):
            return view(request, *args, **kwargs)
        raw = f"{request.get_full_path()}|{request.LANGUAGE_CODE}"
        key = "alleger:page:" + hashlib.sha256(raw.encode()).hexdigest()
        cached = caches["pages"].get(key)
        if cached is not None:
            return cached
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not getattr(response, "streaming", False):
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            patch_cache_control(response, public=True, max_age=seconds)
            caches["pages"].set(key, response, seconds)
        return response

    return wrapper
