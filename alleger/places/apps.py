from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.places"
    label = "places"
    verbose_name = _("Lieux partagés")
    default_auto_field = "django.db.models.BigAutoField"
