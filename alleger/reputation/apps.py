from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.reputation"
    label = "reputation"
    verbose_name = _("Réputation")
    default_auto_field = "django.db.models.BigAutoField"
