import difflib
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from alleger.core import search
from alleger.territories.models import TerritoryRole

from .models import Kit, KitVersion


def kit_search(*, q: str = "", axis: str | None = None, category: str | None = None, level: int | None = None,
               territory=None) -> QuerySet[Kit]:
    """Published kits matching the filters; a territory filter keeps the kits valid everywhere."""
    qs = Kit.objects.filter(status=Kit.Status.PUBLISHED).select_related("territory", "author", "organisation")
    qs = search.matching(qs, q, ("title", "summary", "allowed", "steps"))
    if axis:
        qs = qs.filter(axis=axis)
    if category:
        qs = qs.filter(category=category)
    if level:
        qs = qs.filter(level=level)
    if territory is not None:
        qs = qs.filter(Q(territory=territory) | Q(territory__isnull=True))
    return qs.order_by("title")


def kits_of(user) -> QuerySet[Kit]:
    """The kits a person authored, whatever their status."""
    if not user.is_authenticated:
        return Kit.objects.none()
    return Kit.objects.filter(author=user).order_by("-updated_at")


def review_queue(user) -> QuerySet[Kit]:
    """Submitted kits this person may review: their territories', and kits without one for platform admins."""
    if not (user.is_authenticated and user.is_active):
        return Kit.objects.none()
    qs = Kit.objects.filter(status=Kit.Status.SUBMITTED).select_related("territory", "author", "organisation")
    if not user.is_superuser:
        territories = TerritoryRole.objects.filter(user=user, role=TerritoryRole.Role.MODERATOR).values("territory")
        qs = qs.filter(territory__in=territories)
    return qs.order_by("updated_at")


def kit_versions(kit: Kit) -> QuerySet[KitVersion]:
    return kit.versions.select_related("author").order_by("-number")


@dataclass
class FieldDiff:
    name: str
    label: str
    lines: list  # (change, text): change is "added", "removed" or "same"


def version_diff(old: KitVersion, new: KitVersion) -> list[FieldDiff]:
    """Line by line differences of each content field that changed between two versions.

    Plain data: the template escapes the text like any other, and says in words
    (not only in colour) whether a line was added or removed.
    """
    diffs = []
    for name in Kit.CONTENT_FIELDS:
        before, after = old.content.get(name, ""), new.content.get(name, "")
        if before == after:
            continue
        before_lines, after_lines = str(before).splitlines(), str(after).splitlines()
        lines = []
        matcher = difflib.SequenceMatcher(a=before_lines, b=after_lines, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                lines += [("same", text) for text in before_lines[i1:i2]]
                continue
            lines += [("removed", text) for text in before_lines[i1:i2]]
            lines += [("added", text) for text in after_lines[j1:j2]]
        diffs.append(FieldDiff(name=name, label=Kit._meta.get_field(name).verbose_name, lines=lines))
    return diffs


def feed_items(territory, limit: int):
    """The territory's newest published kits (and those valid everywhere), for its news feed."""
    from django.utils.translation import gettext as _

    from alleger.discussions.selectors import without_hidden
    from alleger.territories.feeds import FeedItem

    kits = without_hidden(Kit.objects.filter(Q(territory=territory) | Q(territory__isnull=True),
                                             status=Kit.Status.PUBLISHED, published_at__isnull=False))
    for kit in kits.select_related("author").order_by("-published_at")[:limit]:
        yield FeedItem(title=kit.title, url=kit.get_absolute_url(), published_at=kit.published_at, kind=_("Kit"),
                       summary=kit.summary, author=kit.author.public_name)
