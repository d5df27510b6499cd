from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A refused action, with a stable machine code (API `code`) and a message for people.

    Every app's services raise this one class, so a view or an API handler
    catching it also catches a refusal from a service of another app.
    """

    def __init__(self, code: str, message):
        super().__init__(message, code=code)
