"""Who calls the API: a personal token (`Authorization: Bearer …`) or the browser session."""

from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, django_auth

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


#: Authenticated endpoints accept a personal token or the browser session.
AUTH = [BearerToken(), django_auth]

#: Public endpoints that show more to whoever presents a token or a session (a draft to its author).
#: A token that is presented must be valid (401 otherwise); no credentials at all is the anonymous visitor.
OPTIONAL_AUTH = [*AUTH, anonymous]
