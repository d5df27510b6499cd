from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.proposals"
    label = "proposals"
    verbose_name = _("Propositions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import sections
        from alleger.discussions import registry
        from alleger.territories import feeds

        from .selectors import feed_items

        registry.register(self.get_model("Proposal"), key="proposal", view_perm="proposals.view_proposal")
        feeds.register_source("proposals", feed_items)
        # Links only: the section needs nothing but the territory its page already has.
        sections.register("territory", "proposals", template="proposals/_territory_section.html",
                          context=lambda request, territory: {}, order=20)
