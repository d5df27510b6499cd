"""The reputation scale: points earned, and the level each threshold opens.

Points (only what others can check):
- an intervention you organised that is done: ORGANISED_DONE points;
- an intervention you took part in (not as organiser) that is done: JOINED_DONE points;
- a kit you wrote that the moderation published: KIT_PUBLISHED points.

An intervention earns points only once it really happened
(`reputation.selectors.counted_participations`):
- its dates have passed: it started (start date not after the day it was
  marked done — the service refuses to mark it done before), and its planned
  end, if any, is not in the future;
- someone can vouch for it: another person took part, or its journal holds a
  photo.
At most DAILY_CAP points a day come from interventions (by the day each was
marked done), so a burst of declarations cannot buy a level. Published kits
are reviewed by the moderation and are not capped.

A moderator's grant is a floor (see ReputationGrant). An asset's required
level (0..3) is compared with the resulting level when someone declares or
joins an intervention on it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ORGANISED_DONE = 10
JOINED_DONE = 5
KIT_PUBLISHED = 15
DAILY_CAP = 20


@dataclass(frozen=True)
class Level:
    number: int
    threshold: int
    name: str
    description: str


LEVELS = (
    Level(0, 0, _("Nouvel intervenant"), _("Tout le monde commence ici : la plupart des dispositifs vous sont "
                                          "ouverts.")),
    Level(1, 10, _("Intervenant"), _("Une intervention organisée et menée à bien, ou deux interventions "
                                    "auxquelles vous avez participé.")),
    Level(2, 40, _("Intervenant confirmé"), _("Plusieurs interventions réussies, ou des kits publiés qui servent "
                                             "à d'autres.")),
    Level(3, 100, _("Super-intervenant"), _("Une expérience reconnue : les dispositifs les plus exigeants vous "
                                           "sont ouverts.")),
)
MAX_LEVEL = LEVELS[-1].number


def level_from_points(points: int) -> int:
    level = 0
    for candidate in LEVELS:
        if points >= candidate.threshold:
            level = candidate.number
    return level


def level_name(number: int) -> str:
    return str(LEVELS[max(0, min(number, MAX_LEVEL))].name)
