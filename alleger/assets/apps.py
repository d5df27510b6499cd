from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.assets"
    label = "assets"
    verbose_name = _("Dispositifs et espaces transformables")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.discussions import registry
        from alleger.territories import moderation

        from . import selectors

        registry.register(self.get_model("Asset"), key="asset", view_perm="assets.view_asset", author="manager_id")
        moderation.register_link("assets", label=_("Propositions de dispositifs à relire"), order=17,
                                 url=lambda t: reverse("assets:review_queue") + f"?territoire={t.slug}",
                                 count=selectors.proposals_waiting_count)

        from . import signals

        signals.connect()
