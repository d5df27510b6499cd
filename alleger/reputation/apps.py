from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.reputation"
    label = "reputation"
    verbose_name = _("Réputation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.interventions import services as interventions

        from .services import required_level_check

        interventions.register_participant_check("required_level", required_level_check)
