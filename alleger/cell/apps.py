from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.cell"
    label = "cell"
    verbose_name = _("Cellule d'innovation ouverte")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import context_processors, sections
        from alleger.territories.rules import is_any_cell_member

        from . import watch, watch_places  # noqa: F401  (the watch's kinds register on import)

        context_processors.register_role("cell", is_any_cell_member)

        from . import challenges

        # The territory page links to the challenges, the open data and the dashboard.
        sections.register("territory", "cell_challenges", template="cell/challenges/_territory_section.html",
                          context=challenges.territory_section, order=50)
        # The place page: the challenges it answers, the coming workshops in its rooms, proposing it.
        sections.register("place", "cell_challenges", template="cell/challenges/_place_section.html",
                          context=challenges.place_section, order=60)
