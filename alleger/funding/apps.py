from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.funding"
    label = "funding"
    verbose_name = _("Financement participatif")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.accounts import personal_data
        from alleger.core import context_processors, fragments, sections
        from alleger.core.selectors import register_live_source
        from alleger.discussions import registry
        from alleger.territories import moderation

        from . import personal_data as funding_personal_data
        from . import place_sections
        from . import sections as funding_sections
        from . import selectors as funding_selectors

        # Questions and comments on a project; the holder's answers are marked and she hears of each one.
        registry.register(self.get_model("Project"), key="project", view_perm="funding.view_project",
                          author="holder_id", author_badge=_("Porteur du projet"), notify_author=True)
        register_live_source("funding", funding_sections.live)
        personal_data.register("contributions", export=funding_personal_data.export,
                               warnings=funding_personal_data.warnings,
                               before_delete=funding_personal_data.before_delete)
        # The simulated card processor's book is no page's data: an authorisation changes no fragment.
        fragments.ignore_table(self.get_model("SimulatedCharge")._meta.db_table)
        sections.register("territory", "funding", template="funding/_territory_section.html",
                          context=funding_sections.territory_section, order=10, stylesheet="funding/funding.css")
        sections.register("organisation", "contributions", template="funding/_organisation_section.html",
                          context=funding_sections.organisation_section, order=10)
        # On a shared place's page: the projects its bookable resources are lent to.
        sections.register("place", "funding_offers", template="funding/_place_offers_section.html",
                          context=funding_sections.place_section, order=30)
        context_processors.register_role("sponsor", funding_sections.is_sponsor)
        # « Un financement participatif crée ce lieu » on a shared place's page (places is below funding).
        sections.register("place", "funding", template="funding/_place_section.html",
                          context=place_sections.place_section, order=20)
        moderation.register_link("projects", label=_("Projets à relire"), order=10,
                                 url=lambda t: reverse("funding:review_queue", args=[t.slug]),
                                 count=funding_selectors.submitted_count)
        moderation.register_link("payments", label=_("Paiements hors ligne à confirmer ou à rendre"), order=20,
                                 url=lambda t: reverse("funding:offline_payments", args=[t.slug]),
                                 count=lambda t: (funding_selectors.offline_awaiting(t).count()
                                                  + funding_selectors.offline_owed(t).count()))
