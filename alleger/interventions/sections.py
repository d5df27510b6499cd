"""What interventions add to the pages of the apps below them (registered in apps.py): the live
overview's recent interventions and the count of those done."""

from .models import Intervention
from .selectors import intervention_search


def live(territory, limit: int) -> dict:
    done = Intervention.objects.filter(status=Intervention.Status.DONE)
    if territory is not None:
        done = done.filter(territory=territory)
    return {
        "recent_interventions": list(
            intervention_search(territory=territory).exclude(status=Intervention.Status.ABANDONED)[:limit]),
        "figures": {"interventions_done": done.count()},
    }
