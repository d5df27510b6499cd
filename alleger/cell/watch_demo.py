"""The watch's demo: Rémi (innovation cell) keeps a weekly watch on Saint-Étienne, and has tagged a campaign
with the Quartier des Prés challenge (which links it as a response). Called by the cell's demo (`alleger.cell.demo.load` calls `watch_demo.load(context)`).
Idempotent: what exists is left as it is."""

from alleger.funding.models import Project

from .models import CellAction, Challenge, SavedWatch
from .watch_services import cell_act, saved_watch_create

WATCH_NAME = "Saint-Étienne, chaque semaine"
#: The campaign the cell tagged (if the funding demo made it), with the cell demo's challenge.
PROJECT = "Des composteurs collectifs au Crêt de Roch"


def load(context) -> None:
    remi, city = context.people["remi"], context.territories["city"]
    if not SavedWatch.objects.filter(user=remi, name=WATCH_NAME).exists():
        saved_watch_create(user=remi, territory=city, name=WATCH_NAME, filters={}, frequency="weekly")
    from .demo import TITLE

    challenge = Challenge.objects.filter(territory=city, title=TITLE, status=Challenge.Status.OPEN).first()
    project = Project.objects.filter(territory=city, title=PROJECT, status=Project.Status.PUBLISHED).first()
    if challenge is not None and project is not None and not CellAction.objects.filter(
            kind=CellAction.Kind.TAG, challenge=challenge).exists():
        cell_act(actor=remi, territory=city, target=project, kind=CellAction.Kind.TAG, challenge=challenge,
                 note="Les bacs du défi, financés par les habitants.")
