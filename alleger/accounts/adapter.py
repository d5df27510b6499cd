from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib import messages
from django.utils.translation import ngettext

from . import services


class AccountAdapter(DefaultAccountAdapter):
    def set_password(self, user, password) -> None:
        """Every password allauth sets (change, reset, first password) revokes the API tokens."""
        revoked = services.account_password_set(user=user, password=password)
        request = self.request or context.request
        if revoked and request is not None:
            messages.info(request, ngettext(
                "Votre jeton d'API est révoqué : créez-en un nouveau pour vos scripts.",
                "Vos %(count)d jetons d'API sont révoqués : créez-en de nouveaux pour vos scripts.",
                revoked) % {"count": revoked})
