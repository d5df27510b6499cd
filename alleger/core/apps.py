from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.core"
    label = "core"
    verbose_name = _("Plateforme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import fragments, search  # noqa: F401 — the write watch; the SQLite fold function
