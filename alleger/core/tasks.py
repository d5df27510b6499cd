"""Background jobs (huey): see alleger.core.mail and settings.HUEY."""

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from huey.contrib.djhuey import db_task

from .mail import message


@db_task(retries=5, retry_delay=60)
def deliver(jobs: list) -> int:
    """Render and send queued e-mails, over one connection. Returns how many were sent.

    Recipients who are accounts are read again: one closed since the job was
    queued gets nothing.
    """
    ids = {recipient.pk for _, recipient, _ in jobs if not isinstance(recipient, tuple)}
    current = {user.pk: user for user in get_user_model().objects.filter(pk__in=ids)}
    messages = []
    for template, recipient, context in jobs:
        if not isinstance(recipient, tuple):
            recipient = current.get(recipient.pk)
            if recipient is None:
                continue
        if (built := message(template, recipient, context)) is not None:
            messages.append(built)
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
