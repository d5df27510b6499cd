"""E-mails of the kits, queued after the transaction that caused them commits (alleger.core.mail)."""

from alleger.core.mail import send_later


def kit_reviewed(kit, decision: str, message: str) -> None:
    """The author learns the moderation's decision on the kit they submitted."""
    if kit.author is not None:
        send_later("kits/email/kit_reviewed.txt", [kit.author], {"kit": kit, "decision": decision,
                                                                 "message": message})
