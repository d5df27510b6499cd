"""The moderation queues a territory's moderators reach from its page.

Each app that has a queue registers its link in its AppConfig.ready() (territories imports none of them):

    moderation.register_link("projects", label=_("Projets à relire"), order=10,
                             url=lambda territory: reverse("funding:review_queue", args=[territory.slug]),
                             count=lambda territory: Project.objects.filter(territory=territory, …).count())

`count` (optional): how many items wait in that queue for this territory, shown beside the link.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: Callable[[object], str]
    order: int
    count: Callable[[object], int] | None = None


_links: dict[str, Link] = {}


def register_link(name: str, *, label, url: Callable[[object], str], order: int,
                  count: Callable[[object], int] | None = None) -> None:
    _links[name] = Link(label=label, url=url, order=order, count=count)


def links(territory) -> list[tuple[str, str, int | None]]:
    """(label, URL, how many wait or None) of every registered queue for this territory, in their order."""
    return [(str(link.label), link.url(territory), link.count(territory) if link.count else None)
            for link in sorted(_links.values(), key=lambda link: link.order)]
