from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.kits"
    label = "kits"
    verbose_name = _("Boîte à kits")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core.selectors import register_live_source
        from alleger.discussions import registry
        from alleger.territories import feeds, moderation

        from . import sections, selectors
        from .selectors import feed_items

        registry.register(self.get_model("Kit"), key="kit", view_perm="kits.view_kit")
        moderation.register_link("kits", label=_("Kits à relire"), order=15, url=lambda t: reverse("kits:review_queue") + f"?territoire={t.slug}",
                                 count=selectors.submitted_count)
        feeds.register_source("kits", feed_items)
        register_live_source("kits", sections.live)
