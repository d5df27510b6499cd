from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.funding"
    label = "funding"
    verbose_name = _("Financement participatif")
    default_auto_field = "django.db.models.BigAutoField"
