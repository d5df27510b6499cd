"""Background jobs (huey): a pledge's receipt.

Queued by the contribution's id alone, after the pledge commits: every pledge
of a hot campaign pays for the enqueue, and an id costs a few bytes where the
contribution, its project and its backer pickled cost a tenth of a
millisecond. The job reads them back, so the receipt says what was committed.
"""

from django.core.mail import get_connection
from huey.contrib.djhuey import db_task

from alleger.core.mail import message

from .models import Contribution

RECEIPT = "funding/email/contribution_received.txt"


@db_task(retries=5, retry_delay=60)
def send_receipt(contribution_id: int) -> int:
    """E-mail a contribution's receipt to its contributor. Returns how many were sent (0 or 1)."""
    contribution = Contribution.objects.select_related("project", "contributor", "reward", "organisation").filter(pk=contribution_id).first()
    if contribution is None:
        return 0
    # `message` gives nothing to a closed account.
    receipt = message(RECEIPT, contribution.contributor, {"contribution": contribution, "project": contribution.project})
    return get_connection().send_messages([receipt]) if receipt is not None else 0
