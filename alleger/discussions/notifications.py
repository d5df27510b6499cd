"""E-mails of the discussions, queued after the transaction that caused them commits (alleger.core.mail)."""

from alleger.core.mail import send_later


def content_moderated(*, author, item, content, decision: str, reason: str) -> None:
    url = content.get_absolute_url() if hasattr(content, "get_absolute_url") else ""
    send_later("discussions/email/content_moderated.txt", [author],
               {"item": item, "content": content, "decision": decision, "reason": reason, "url": url})


def comment_posted(*, recipient, comment, content) -> None:
    """Tell a content's author (a project's holder) that someone commented on it or asked a question."""
    url = content.get_absolute_url() if hasattr(content, "get_absolute_url") else ""
    send_later("discussions/email/comment_posted.txt", [recipient],
               {"comment": comment, "content": content, "url": f"{url}#commentaire-{comment.pk}" if url else ""})
