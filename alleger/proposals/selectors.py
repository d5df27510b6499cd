from django.utils.translation import gettext as _

from alleger.core import search
from alleger.discussions.selectors import without_hidden
from alleger.territories.feeds import FeedItem

from .models import Proposal

SORTS = {"soutiens": ("-supports_count", "-created_at", "-pk"), "recent": ("-created_at", "-pk")}


def proposal_list(*, territory=None, status: str | None = None, kind: str | None = None, sort: str = "recent",
                  q: str = ""):
    proposals = without_hidden(Proposal.objects.all()).select_related("territory", "author")
    if territory is not None:
        proposals = proposals.filter(territory=territory)
    if status:
        proposals = proposals.filter(status=status)
    if kind:
        proposals = proposals.filter(kind=kind)
    proposals = search.matching(proposals, q, ("title", "body"))
    return proposals.order_by(*SORTS.get(sort, SORTS["recent"]))


def supports(proposal, user) -> bool:
    return user.is_authenticated and proposal.supports.filter(user=user).exists()


def feed_items(territory, limit: int):
    proposals = without_hidden(Proposal.objects.filter(territory=territory)).select_related("author")
    for p in proposals.order_by("-created_at")[:limit]:
        yield FeedItem(title=p.title, url=p.get_absolute_url(), published_at=p.created_at, kind=_("Proposition"),
                       summary=p.body, author=p.author.public_name)
