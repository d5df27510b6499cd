"""The territory's news feed (Atom and RSS): a merge of "feed sources".

Each app contributes one function returning the recent items of a territory;
registering it is one line, in the app's `ready()`:

    feeds.register_source("kits", kit_feed_items)

where `kit_feed_items(territory, limit)` returns an iterable of FeedItem.
"""

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedItem:
    title: str
    url: str  # the path of the item's page; the feed makes it absolute
    published_at: datetime
    kind: str  # shown as the entry's category: « Kit », « Proposition »…
    summary: str = ""
    author: str = ""


Source = Callable[[object, int], Iterable[FeedItem]]

_sources: dict[str, Source] = {}


def register_source(name: str, source: Source) -> None:
    _sources[name] = source


def sources() -> dict[str, Source]:
    return dict(_sources)


def feed_items(territory, limit: int = 50) -> list[FeedItem]:
    """The `limit` newest items of every source, newest first."""
    lists = [sorted(source(territory, limit), key=lambda i: i.published_at, reverse=True)
             for source in _sources.values()]
    return list(heapq.merge(*lists, key=lambda i: i.published_at, reverse=True))[:limit]
