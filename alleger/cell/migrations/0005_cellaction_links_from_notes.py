"""The cell's existing tags and invitations named their challenge or workshop in free text (`note`); the
constraints of 0006 require a real link. What this migration does with each old row:

- a tag whose note is the title of one of its territory's challenges (case, accents as typed, and spaces
  at the ends ignored) gets that challenge;
- every other tag, and every invitation (its note was a date and a place in words, which names no
  workshop reliably), is deleted.

Deleting rather than exempting old rows from the constraint (a condition on `created_at`) keeps one rule
for every row that the pages and the API can rely on. Nothing is lost: each action was recorded in the
audit trail when it was made (AuditEvent « cell.tag » / « cell.invite », with its note), and the
invitation e-mails were sent then.
"""

from django.db import migrations


def link_or_delete(apps, schema_editor):
    CellAction = apps.get_model("cell", "CellAction")
    Challenge = apps.get_model("cell", "Challenge")
    titles: dict[int, dict[str, int]] = {}
    orphans = []
    for action in CellAction.objects.filter(kind="tag", challenge__isnull=True).order_by("pk").iterator():
        if action.territory_id not in titles:
            titles[action.territory_id] = {
                title.strip().casefold(): pk
                for pk, title in Challenge.objects.filter(territory_id=action.territory_id)
                .order_by("-pk").values_list("pk", "title")}
        challenge_id = titles[action.territory_id].get((action.note or "").strip().casefold())
        if challenge_id is None:
            orphans.append(action.pk)
        else:
            CellAction.objects.filter(pk=action.pk).update(challenge_id=challenge_id)
    CellAction.objects.filter(pk__in=orphans).delete()
    CellAction.objects.filter(kind="invite", workshop__isnull=True).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cell", "0004_workshop_room_and_action_links"),
    ]

    operations = [
        migrations.RunPython(link_or_delete, migrations.RunPython.noop),
    ]
