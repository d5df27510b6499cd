from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.assets"
    label = "assets"
    verbose_name = _("Dispositifs et espaces transformables")
    default_auto_field = "django.db.models.BigAutoField"
