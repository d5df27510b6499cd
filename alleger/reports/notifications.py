"""E-mails of reports: routing to the service in charge, status changes to the reporter.

Each is sent after the transaction that caused it commits.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def _message(template: str, *, to: str, language: str, context: dict) -> EmailMessage:
    with translation.override(language or settings.LANGUAGE_CODE):
        text = render_to_string(f"reports/email/{template}.txt", {**context, "SITE_URL": settings.SITE_URL})
    subject, _, body = text.strip().partition("\n")
    return EmailMessage(subject=f"[Alléger] {subject.strip()}", body=body.strip() + "\n", to=[to])


def _send_later(build) -> None:
    def send():
        messages = [m for m in build() if m is not None]
        if messages:
            get_connection().send_messages(messages)

    transaction.on_commit(send)


def report_routed(report) -> None:
    """The service in charge of the category receives the new report, with the reporter's contact."""
    category = report.category
    _send_later(lambda: [_message("routed", to=category.service_email, language=settings.LANGUAGE_CODE,
                                  context={"report": report, "category": category})])


def report_status_changed(report, update) -> None:
    """The reporter hears of each new status or note (not of the changes they make themselves)."""
    to = report.notification_email()
    if not to or (update.author_id is not None and update.author_id == report.reporter_id):
        return
    language = report.reporter.preferred_language if report.reporter and not report.contact_email else ""
    _send_later(lambda: [_message("status_changed", to=to, language=language,
                                  context={"report": report, "update": update})])
