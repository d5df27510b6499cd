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
    # The cookie of the language switch, else the browser's first language we speak; never the site's
    # default taken for a choice.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES):
        header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
        spoken = [code.split("-")[0] for code, _q in translation.trans_real.parse_accept_lang_header(header)]
        language = next((code for code in spoken if code in dict(settings.LANGUAGES)), None)
    if language in dict(settings.LANGUAGES):
        type(user).objects.filter(pk=user.pk, preferred_language="").update(preferred_language=language)
        user.preferred_language = language
