"""Helpers of the browser tests (tests/browser/): a session without the log-in form, a page that must load."""


def log_in(context, live_server, user):
    """Put a session for `user` into the browser context (no form round trip)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])


def open_page(page, url, status=None):
    """Go to `url` and check it answered `status` (any success when None)."""
    response = page.goto(url, wait_until="load")
    ok = response is not None and (response.ok if status is None else response.status == status)
    assert ok, f"{url} answered {response and response.status}"
    return response
