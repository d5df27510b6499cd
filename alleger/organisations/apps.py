from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.organisations"
    label = "organisations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.accounts import personal_data
        from alleger.core import sections as core_sections
        from alleger.territories import moderation

        from . import sections, selectors

        core_sections.register("territory", "organisations", template="organisations/_territory_section.html",
                               context=sections.territory_section, order=30)
        core_sections.register("profile", "organisations", template="organisations/_profile_section.html",
                               context=sections.profile_section, order=10)
        personal_data.register("organisations_run", warnings=selectors.sole_admin_warnings)
        moderation.register_link("sponsorships", label=_("Demandes de mécénat"), order=30,
                                 url=lambda t: reverse("organisations:sponsorship_queue") + f"?territoire={t.slug}",
                                 count=selectors.sponsorship_requests_pending_count)
