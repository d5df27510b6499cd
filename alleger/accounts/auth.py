"""Who calls the API: a personal token (`Authorization: Bearer …`) or the browser session."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import security
from ninja.security import HttpBearer

from alleger.core.api import CredentialsRefused, anonymous

from .services import api_token_authenticate


class InvalidToken(CredentialsRefused):
    """A Bearer token was presented and is unknown, revoked or its account closed."""

    reason = _("Ce jeton d'API est inconnu ou a été révoqué.")
    challenge = 'Bearer error="invalid_token"'  # RFC 6750 §3.1


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is None:
            # Refused rather than ignored: a client that sends a token means to act as its owner, and an
            # optional-auth endpoint must not quietly answer it as an anonymous visitor.
            raise InvalidToken
        request.user = user
        return user


class SessionAuth(security.SessionAuth):
    """The browser's session, its CSRF token checked on a write. A request without a session cookie is not a
    browser's: it gets no CSRF refusal (403) but, with no token either, the API's 401 `unauthenticated` and its
    WWW-Authenticate, as docs/api.md says."""

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super().__call__(request)


#: Authenticated endpoints accept a personal token or the browser session.
AUTH = [BearerToken(), SessionAuth()]

#: Public endpoints that show more to whoever presents a token or a session (a draft to its author).
#: A token that is presented must be valid (401 otherwise); no credentials at all is the anonymous visitor.
OPTIONAL_AUTH = [*AUTH, anonymous]

#: Public endpoints, the same for everyone: no credentials needed, but a token that is presented must be
#: valid (401 otherwise), as everywhere in the API; no session is read.
PUBLIC = [BearerToken(), anonymous]
