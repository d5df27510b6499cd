from django.apps import AppConfig


class Config(AppConfig):
    name = "alleger.territories"
    label = "territories"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.core import sections as core_sections

        from . import sections

        core_sections.register("home", "territories", template="territories/_home_section.html",
                               context=sections.home_section, order=10)
