"""What interventions add to the pages of the apps below them (registered in apps.py): the live
overview's recent interventions (a list and a small map) and the count of those done."""

from .models import Intervention
from .selectors import geojson, intervention_search


def live(territory, limit: int) -> dict:
    done = Intervention.objects.filter(status=Intervention.Status.DONE)
    if territory is not None:
        done = done.filter(territory=territory)
    recent = list(intervention_search(territory=territory).exclude(status=Intervention.Status.ABANDONED)[:limit])
    return {
        "recent_interventions": recent,
        "recent_interventions_map": geojson(recent),  # the same ones on a small map, the list its alternative
        "figures": {"interventions_done": done.count()},
    }
