from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "alleger.discussions"
    label = "discussions"
    verbose_name = _("Discussions et modération")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from alleger.accounts import personal_data
        from alleger.core import context_processors
        from alleger.territories import moderation

        from . import registry, selectors

        personal_data.register("comments", export=selectors.personal_comments)

        # Comments can be flagged (not commented on); their moderators are
        # those of the territory of the content they discuss.
        registry.register(self.get_model("Comment"), key="comment", view_perm="discussions.view_comment",
                          commentable=False)
        context_processors.register_role("moderator", lambda user: user.has_perm("discussions.view_queue"))
        moderation.register_link("flags", label=_("Contenus signalés"), order=40,
                                 url=lambda t: reverse("discussions:queue") + f"?territoire={t.slug}",
                                 count=selectors.waiting_count)
