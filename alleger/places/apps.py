from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _territory_section(request, territory):
    from . import selectors

    return {"places": selectors.open_now_in(territory)}


def _review_queue_url(territory) -> str:
    from django.urls import reverse

    return f"{reverse('places:review_queue')}?territoire={territory.slug}"


class Config(AppConfig):
    name = "alleger.places"
    label = "places"
    verbose_name = _("Lieux partagés")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import sections
        from alleger.territories import moderation

        moderation.register_link("places", label=_("Lieux proposés à relire"), order=25, url=_review_queue_url,
                                 count=_proposed_count)
        from . import links

        links.register_sections()
        sections.register("territory", "places", template="places/_territory_section.html",
                          context=_territory_section, order=15, stylesheet="places/places.css")


def _proposed_count(territory) -> int:
    from .models import Moderation, Place

    return Place.objects.filter(territory=territory, moderation=Moderation.PROPOSED).count()
