from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.reports"
    label = "reports"
    verbose_name = _("Signalements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.discussions import registry
        from alleger.territories import feeds

        from .selectors import feed_items

        registry.register(self.get_model("Report"), key="report", view_perm="reports.view_report",
                          author="reporter_id")
        feeds.register_source("reports", feed_items)
