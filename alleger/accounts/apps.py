from django.apps import AppConfig


class Config(AppConfig):
    name = "alleger.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_remember_language, dispatch_uid="alleger_remember_language")


def _remember_language(sender, request, user, **kwargs):
    """An account that never chose a language (made before sign-up stored one, or by the platform team) gets
    the one it logs in with, so that its e-mails stop arriving in French to someone who reads English. A
    language chosen on the profile page is never overwritten."""
    from django.conf import settings
    from django.utils import translation

    if user.preferred_language or request is None:
        return
    language = translation.get_language_from_request(request)
    if language in dict(settings.LANGUAGES):
        type(user).objects.filter(pk=user.pk, preferred_language="").update(preferred_language=language)
        user.preferred_language = language
