"""Refusals of this app: the platform's one Refused (alleger.core.errors)."""

from alleger.core.errors import Refused

__all__ = ["Refused"]
