from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.interventions"
    label = "interventions"
    verbose_name = _("Interventions")
    default_auto_field = "django.db.models.BigAutoField"
