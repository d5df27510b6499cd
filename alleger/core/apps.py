from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: The database's cache table (settings.CACHES without Redis).
CACHE_TABLE = "alleger_cache"


class Config(AppConfig):
    name = "alleger.core"
    label = "core"
    verbose_name = _("Plateforme")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from alleger.core import collation, fragments, search  # noqa: F401 — the SQLite collation; the write watch; the SQLite fold function
        from alleger.core.forms import install_default_validators
        from alleger.core.sites import sync_site

        install_default_validators()

        post_migrate.connect(sync_site, sender=apps.get_app_config("sites"), dispatch_uid="alleger_sync_site")
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="alleger_cache_table")
        # The rate limits' counts (the database's cache, without Redis) change nothing a page shows: writing
        # them must not change the data version, which would throw away every shared fragment and map answer.
        fragments.ignore_table(CACHE_TABLE)


def _create_cache_table(sender, using, **kwargs):
    """The database's cache table (settings.CACHES, without Redis), made or kept by every `migrate`."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
