"""What is happening now, for the home page and a territory's page: a few reads from each track."""

from alleger.funding import selectors as funding
from alleger.interventions import selectors as interventions
from alleger.interventions.models import Intervention
from alleger.kits import selectors as kits

LIMIT = 4


def live_overview(territory=None) -> dict:
    """Campaigns ending soon, new kits, recent interventions, open calls and figures, in six queries."""
    done = Intervention.objects.filter(status=Intervention.Status.DONE)
    if territory is not None:
        done = done.filter(territory=territory)
    return {
        "ending_soon": list(funding.campaigns_ending_soon(territory)[:LIMIT]),
        "new_kits": list(kits.kit_search(territory=territory).order_by("-published_at", "-pk")[:LIMIT]),
        "recent_interventions": list(
            interventions.intervention_search(territory=territory).exclude(status=Intervention.Status.ABANDONED)
            [:LIMIT]),
        "calls": list(funding.open_calls(territory)[:LIMIT]),
        "figures": {**funding.funding_figures(territory), "interventions_done": done.count()},
    }
