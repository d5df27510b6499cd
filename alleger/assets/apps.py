from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.assets"
    label = "assets"
    verbose_name = _("Dispositifs et espaces transformables")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.discussions import registry

        registry.register(self.get_model("Asset"), key="asset", view_perm="assets.view_asset", author="manager_id")

        from . import signals

        signals.connect()
