from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.bookings"
    label = "bookings"
    verbose_name = _("Réservations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.accounts import personal_data
        from alleger.core import sections

        from . import personal_data as booking_personal_data
        from . import sections as booking_sections

        personal_data.register("bookings", export=booking_personal_data.export, warnings=booking_personal_data.warnings,
                               before_delete=booking_personal_data.before_delete)

        sections.register("place", "bookings", template="bookings/_place_section.html",
                          context=booking_sections.place_section, order=20)
        sections.register("profile", "bookings", template="bookings/_profile_section.html",
                          context=booking_sections.profile_section, order=40)
