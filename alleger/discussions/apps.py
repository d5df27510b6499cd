from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.discussions"
    label = "discussions"
    verbose_name = _("Discussions et modération")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import registry

        # Comments can be flagged (not commented on); their moderators are
        # those of the territory of the content they discuss.
        registry.register(self.get_model("Comment"), key="comment", view_perm="discussions.view_comment",
                          commentable=False)
