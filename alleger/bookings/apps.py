from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.bookings"
    label = "bookings"
    verbose_name = _("Réservations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import sections

        from . import sections as booking_sections

        sections.register("place", "bookings", template="bookings/_place_section.html",
                          context=booking_sections.place_section, order=20)
        sections.register("profile", "bookings", template="bookings/_profile_section.html",
                          context=booking_sections.profile_section, order=40)
