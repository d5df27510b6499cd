"""The watch's demo: Rémi (innovation cell) keeps a weekly watch on Saint-Étienne, and has tagged a campaign
with a challenge. Called by the cell's demo (`alleger.cell.demo.load` calls `watch_demo.load(context)`).
Idempotent: what exists is left as it is."""

from alleger.funding.models import Project

from .models import CellAction, SavedWatch
from .watch_services import cell_act, saved_watch_create

WATCH_NAME = "Saint-Étienne, chaque semaine"
CHALLENGE = "Défi : des rez-de-chaussée vivants"


def load(context) -> None:
    remi, city = context.people["remi"], context.territories["city"]
    if not SavedWatch.objects.filter(user=remi, name=WATCH_NAME).exists():
        saved_watch_create(user=remi, territory=city, name=WATCH_NAME, filters={}, frequency="weekly")
    project = (Project.objects.filter(territory=city, status=Project.Status.PUBLISHED)
               .order_by("published_at", "pk").first())
    if project is not None and not CellAction.objects.filter(kind=CellAction.Kind.TAG, note=CHALLENGE).exists():
        cell_act(actor=remi, territory=city, target=project, kind=CellAction.Kind.TAG, note=CHALLENGE)
