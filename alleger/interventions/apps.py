from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.interventions"
    label = "interventions"
    verbose_name = _("Interventions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.accounts import personal_data
        from alleger.core.selectors import register_live_source
        from alleger.discussions import registry
        from alleger.territories import feeds

        from . import selectors as intervention_selectors

        personal_data.register("interventions", export=intervention_selectors.personal_interventions)

        from . import sections
        from .selectors import feed_items

        registry.register(self.get_model("Intervention"), key="intervention",
                          view_perm="interventions.view_intervention", author="organiser_id")
        feeds.register_source("interventions", feed_items)
        register_live_source("interventions", sections.live)
