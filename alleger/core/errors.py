from django.core.exceptions import PermissionDenied, ValidationError


class Refused(ValidationError):
    """A refused action, with a stable machine code (API `code`) and a message for people.

    Every app's services raise this one class, so a view or an API handler
    catching it also catches a refusal from a service of another app.

    `status` is the HTTP status the API answers it with: 400 when the request
    itself is wrong (the default), 409 when the state of things refuses it,
    403 when this person may not, 404 when what it names does not exist.
    """

    def __init__(self, code: str, message, *, status: int = 400):
        super().__init__(message, code=code)
        self.status = status


class Forbidden(PermissionDenied):
    """A 403 that tells the person why (the page shows `reason` instead of the general explanation)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason
