"""The site that allauth names in its e-mails (django.contrib.sites' row): « Alléger », at SITE_URL's host.

Django creates that row as « example.com »; every `migrate` (the demo's and a deployment's) sets it
from the settings, so a reset e-mail never says « Bonjour, c'est example.com ! »."""

from urllib.parse import urlsplit

from django.conf import settings

NAME = "Alléger"


def sync_site(using: str = "default", **kwargs) -> None:
    """post_migrate, after django.contrib.sites made its default row: name and domain from the settings."""
    from django.contrib.sites.models import Site

    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": NAME})
    Site.objects.clear_cache()
