"""E-mails of interventions, sent after the transaction that caused them commits."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def _message(template: str, user, context: dict) -> EmailMessage | None:
    if not user.is_active or not user.email or getattr(user, "deleted_at", None):
        return None
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        text = render_to_string(f"interventions/email/{template}.txt", {**context, "user": user,
                                                                       "SITE_URL": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return EmailMessage(subject=f"[Alléger] {subject.strip()}", body=body.strip() + "\n", to=[user.email])


def _send_later(template: str, users, context: dict) -> None:
    users = list(users)

    def send():
        messages = [m for m in (_message(template, u, context) for u in users) if m]
        if messages:
            get_connection().send_messages(messages)

    transaction.on_commit(send)


def journal_entry_added(entry) -> None:
    """To the intervention's followers (participants follow when they join), except the author."""
    intervention = entry.intervention
    recipients = intervention.followers.exclude(pk=entry.author_id) if entry.author_id else \
        intervention.followers.all()
    _send_later("journal_entry", recipients, {"entry": entry, "intervention": intervention})
