"""E-mails of interventions, queued after the transaction that caused them commits (alleger.core.mail)."""

from alleger.core.mail import send_later


def _send_later(template: str, users, context: dict) -> None:
    send_later(f"interventions/email/{template}.txt", list(users), context)


def journal_entry_added(entry) -> None:
    """To the intervention's followers (participants follow when they join), except the author."""
    intervention = entry.intervention
    recipients = intervention.followers.exclude(pk=entry.author_id) if entry.author_id else \
        intervention.followers.all()
    _send_later("journal_entry", recipients, {"entry": entry, "intervention": intervention})
