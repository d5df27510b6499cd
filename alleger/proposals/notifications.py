from django.contrib.auth import get_user_model

from alleger.core.mail import send_later


def proposal_answered(proposal) -> None:
    """To the author and every supporter, once each."""
    User = get_user_model()
    ids = {proposal.author_id, *proposal.supports.values_list("user_id", flat=True)}
    send_later("proposals/email/answered.txt", User.objects.filter(pk__in=ids).order_by("pk"),
               {"proposal": proposal})
