"""E-mail notifications, sent by a background job once the transaction that caused them commits.

Every app describes its e-mails the same way: a template whose first line is
the subject, rendered in each recipient's language. `send_later` queues one
job (huey, `alleger.core.tasks.deliver`) after the commit; the job renders
and sends. With REDIS_URL the queue is Redis and `alleger run_huey` works it,
retrying a failed delivery; on the embedded default (and in the tests) huey
runs the job at once in the process that queued it. Either way a request
never waits on rendering or on the mail server of a worker deployment, and
a rolled-back transaction sends nothing.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


def message(template: str, recipient, context: dict) -> EmailMessage | None:
    """One e-mail from `template`, in the recipient's language; None for a closed account.

    `recipient` is a user, or an (address, language) pair for a mailbox that
    is not an account (the service in charge of a report category). A context's
    `unsubscribe_url` (a path) also goes in the List-Unsubscribe headers.
    """
    if isinstance(recipient, tuple):
        address, language = recipient
    else:
        if not recipient.is_active or not recipient.email or getattr(recipient, "deleted_at", None):
            return None
        address, language = recipient.email, recipient.preferred_language
        context = {**context, "user": recipient}
    if not address:
        return None
    with translation.override(language or settings.LANGUAGE_CODE):
        # Plain text: nothing is HTML-escaped (« l'ombre », never « l&#x27;ombre »), whatever the template says.
        text = get_template(template).template.render(Context({**context, "SITE_URL": settings.SITE_URL},
                                                              autoescape=False))
    subject, _, body = text.strip().partition("\n")
    headers = {}
    if context.get("unsubscribe_url"):
        # RFC 2369 and RFC 8058: a mail program offers « unsubscribe » and may POST the link itself.
        headers = {"List-Unsubscribe": f"<{settings.SITE_URL}{context['unsubscribe_url']}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return EmailMessage(subject=f"[Alléger] {subject.strip()}", body=body.strip() + "\n", to=[address],
                        headers=headers)


def send_each_later(template: str, pairs) -> None:
    """One e-mail per (recipient, context) pair, queued after the commit as one job."""
    jobs = [(template, recipient, context) for recipient, context in pairs]
    if not jobs:
        return
    from .tasks import deliver

    transaction.on_commit(lambda: deliver(jobs))


def send_later(template: str, recipients, context: dict) -> None:
    """The same e-mail to each recipient (users, or (address, language) pairs)."""
    send_each_later(template, [(recipient, context) for recipient in recipients])
