"""What is happening now, for the home page and a territory's page: a few reads from each track.

Each track adds its reads in its AppConfig.ready() (core cannot import the apps above it):

    selectors.register_live_source("kits", live_kits)

where `live_kits(territory, limit)` returns the keys it adds to the overview (`core/_live.html`
reads them); the "figures" it returns are merged with the others'.
"""

from collections.abc import Callable

LIMIT = 4

LiveSource = Callable[[object, int], dict]

_live_sources: dict[str, LiveSource] = {}


def register_live_source(name: str, source: LiveSource) -> None:
    _live_sources[name] = source


def live_overview(territory=None) -> dict:
    """Campaigns ending soon, new kits, recent interventions, open calls and figures."""
    overview = {"figures": {}}
    for source in _live_sources.values():
        part = dict(source(territory, LIMIT))
        overview["figures"].update(part.pop("figures", {}))
        overview.update(part)
    return overview
