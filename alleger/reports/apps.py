from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.reports"
    label = "reports"
    verbose_name = _("Signalements")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.accounts import personal_data
        from alleger.core import error_views
        from alleger.discussions import registry
        from alleger.territories import feeds

        from . import selectors as report_selectors

        personal_data.register("reports", export=report_selectors.personal_reports)

        from . import open311
        from .selectors import feed_items

        # A 404 or a 500 under /open311/ is Open311's list of errors, in the path's format.
        error_views.register_error_shape("/open311/", open311.error_for_handler)

        registry.register(self.get_model("Report"), key="report", view_perm="reports.view_report",
                          author="reporter_id")
        feeds.register_source("reports", feed_items)
