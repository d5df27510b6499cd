from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.studies"
    label = "studies"
    verbose_name = _("Études d'implantation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import sections

        from .views import territory_section

        sections.register("territory", "studies", template="studies/_territory_section.html",
                          context=territory_section, order=60)
