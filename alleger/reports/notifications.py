"""E-mails of reports: routing to the service in charge, its receipt and status changes to the reporter.

Each is queued after the transaction that caused it commits (alleger.core.mail).
"""

from django.conf import settings

from alleger.core.mail import send_later


def report_routed(report) -> None:
    """The service in charge of the category receives the new report, with the reporter's contact."""
    from .selectors import attribute_answers

    category = report.category
    send_later("reports/email/routed.txt", [(category.service_email, settings.LANGUAGE_CODE)],
               {"report": report, "category": category, "answers": attribute_answers(report)})


def _reporter_mailbox(report) -> list:
    """The address the reporter gave (or their account's), in their account's language if it is theirs."""
    to = report.notification_email()
    if not to:
        return []
    language = report.reporter.preferred_language if report.reporter and not report.contact_email else ""
    return [(to, language)]


def report_received(report) -> None:
    """The reporter gets the report's number and the link to follow it, as soon as it is recorded."""
    send_later("reports/email/received.txt", _reporter_mailbox(report), {"report": report})


def report_status_changed(report, update) -> None:
    """The reporter hears of each new status or note (not of the changes they make themselves)."""
    if update.author_id is not None and update.author_id == report.reporter_id:
        return
    send_later("reports/email/status_changed.txt", _reporter_mailbox(report), {"report": report, "update": update})
