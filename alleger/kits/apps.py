from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.kits"
    label = "kits"
    verbose_name = _("Boîte à kits")
    default_auto_field = "django.db.models.BigAutoField"
