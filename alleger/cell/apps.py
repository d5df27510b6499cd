from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.cell"
    label = "cell"
    verbose_name = _("Cellule d'innovation ouverte")
    default_auto_field = "django.db.models.BigAutoField"
