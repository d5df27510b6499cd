from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.funding"
    label = "funding"
    verbose_name = _("Financement participatif")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.discussions import registry

        # Questions and comments on a project; the holder's answers are marked and she hears of each one.
        registry.register(self.get_model("Project"), key="project", view_perm="funding.view_project",
                          author="holder_id", author_badge=_("Porteur du projet"), notify_author=True)
