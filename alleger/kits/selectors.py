import time
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
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


def submitted_count(territory) -> int:
    """Kits of the territory waiting for a moderator's review."""
    return Kit.objects.filter(territory=territory, status=Kit.Status.SUBMITTED).count()


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
    lines: list  # the whole diff, (change, text): change is "added", "removed" or "same"
    rows: list  # what the page shows: `lines` folded and cut (see _rows)


#: Wall-clock budget of one diff page (all fields together). Past it, the rest of each field is shown as
#: removed then added: still a true account of the change, only a coarser one. It bounds the cost of
#: a public page on hostile versions (lines repeated thousands of times), where an exact diff is slow.
DIFF_BUDGET_SECONDS = 0.5
#: Rows one diff page shows at most (rendering 140 000 rows, seven full sections, took ~5 s of CPU), and
#: the unchanged lines shown around each change (the others are folded, as in a unified diff).
DIFF_MAX_ROWS = 2_000
CONTEXT_LINES = 3


def _line_diff(before: str, after: str, deadline: float) -> list:
    """(change, line) pairs: Myers' diff (diff-match-patch) over whole lines, stopped at `deadline`."""
    differ = diff_match_patch()
    # Normalised line ends, and a final newline so that a last line compares like the others.
    before, after = ("".join(f"{line}\n" for line in str(text).splitlines()) for text in (before, after))
    chars_before, chars_after, lines = differ.diff_linesToChars(before, after)
    diffs = differ.diff_main(chars_before, chars_after, False, deadline)
    differ.diff_charsToLines(diffs, lines)
    change = {differ.DIFF_EQUAL: "same", differ.DIFF_DELETE: "removed", differ.DIFF_INSERT: "added"}
    return [(change[op], line) for op, text in diffs for line in text.split("\n")[:-1]]


def _rows(lines: list, limit: int) -> list:
    """`lines` as a page shows them: unchanged lines further than CONTEXT_LINES from a change are folded
    into one ("folded", count) row, and past `limit` rows the rest is one ("cut", count of lines) row."""
    near = [False] * len(lines)
    last = -CONTEXT_LINES - 1
    for i, (change, _text) in enumerate(lines):
        last = i if change != "same" else last
        near[i] = i - last <= CONTEXT_LINES
    last = len(lines) + CONTEXT_LINES + 1
    for i in range(len(lines) - 1, -1, -1):
        last = i if lines[i][0] != "same" else last
        near[i] = near[i] or last - i <= CONTEXT_LINES
    rows, folded = [], 0
    for i, line in enumerate(lines):
        if not near[i]:
            folded += 1
            continue
        if folded:
            rows.append(("folded", folded))
            folded = 0
        if len(rows) >= limit:
            return [*rows, ("cut", len(lines) - i)]
        rows.append(line)
    return [*rows, ("folded", folded)] if folded else rows


def version_diff(old: KitVersion, new: KitVersion) -> list[FieldDiff]:
    """Line by line differences of each content field that changed between two versions.

    Plain data: the template escapes the text like any other, and says in words
    (not only in colour) whether a line was added or removed. Both the diff
    (DIFF_BUDGET_SECONDS) and what the page shows (DIFF_MAX_ROWS) are bounded.
    """
    deadline = time.time() + DIFF_BUDGET_SECONDS
    diffs, shown = [], 0
    for name in Kit.CONTENT_FIELDS:
        before, after = old.content.get(name, ""), new.content.get(name, "")
        if before == after:
            continue
        lines = _line_diff(before, after, deadline)
        rows = _rows(lines, DIFF_MAX_ROWS - shown)
        shown += len(rows)
        diffs.append(FieldDiff(name=name, label=Kit._meta.get_field(name).verbose_name, lines=lines, rows=rows))
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
