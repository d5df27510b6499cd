"""The moderation queues a territory's moderators reach from its page.

Each app that has a queue registers its link in its AppConfig.ready() (territories imports none of them):

    moderation.register_link("projects", label=_("Projets à relire"), order=10,
                             url=lambda territory: reverse("funding:review_queue", args=[territory.slug]))
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str
    url: Callable[[object], str]
    order: int


_links: dict[str, Link] = {}


def register_link(name: str, *, label, url: Callable[[object], str], order: int) -> None:
    _links[name] = Link(label=label, url=url, order=order)


def links(territory) -> list[tuple[str, str]]:
    """(label, URL) of every registered queue for this territory, in their order."""
    return [(str(link.label), link.url(territory)) for link in sorted(_links.values(), key=lambda link: link.order)]
