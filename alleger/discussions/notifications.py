"""E-mails of the discussions, sent after the transaction that caused them commits."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def message(template: str, user, context: dict) -> EmailMessage | None:
    """One e-mail from `template` (first line: subject), in the person's language; None for closed accounts."""
    if not user.is_active or not user.email or user.deleted_at:
        return None
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        text = render_to_string(template, {**context, "user": user, "SITE_URL": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return EmailMessage(subject=f"[Alléger] {subject.strip()}", body=body.strip() + "\n", to=[user.email])


def send_later(template: str, users, context: dict) -> None:
    users = list(users)

    def send():
        messages = [m for m in (message(template, u, context) for u in users) if m]
        if messages:
            get_connection().send_messages(messages)

    transaction.on_commit(send)


def content_moderated(*, author, item, content, decision: str, reason: str) -> None:
    url = content.get_absolute_url() if hasattr(content, "get_absolute_url") else ""
    send_later("discussions/email/content_moderated.txt", [author],
               {"item": item, "content": content, "decision": decision, "reason": reason, "url": url})
