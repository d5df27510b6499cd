from django.core.exceptions import ValidationError


class Refused(ValidationError):
    """A refused action, with a stable machine code and a message for people."""

    def __init__(self, code: str, message):
        super().__init__(message, code=code)
