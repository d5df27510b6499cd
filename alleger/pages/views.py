import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language

from .models import Slug
from .selectors import page_content

THEME_COLOUR = "#1f5f4a"  # --brand in site.css

# Everything personal or administrative stays out of search engines.
ROBOTS_DISALLOW = ["/admin/", "/accounts/", "/compte/", "/langue/", "/i18n/", "/moderation/", "/*/gerer/",
                   "/*/relecture/", "/*/moderation/", "/*/categories/", "/*/armoire/"]


def page(request, slug):
    return render(request, "pages/page.html", {
        "slug": slug,
        "title": Slug(slug).label,
        "content": page_content(slug, get_language()),
    })


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {settings.SITE_URL.rstrip('/')}{reverse('pages:sitemap')}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def manifest(request):
    icon = static("alleger/favicon.svg")
    data = {
        "name": "Alléger",
        "short_name": "Alléger",
        "description": "Financement participatif local, kits d'intervention urbaine, lieux partagés.",
        "lang": "fr",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [{"src": icon, "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")



def favicon(request):
    """Browsers that ignore <link rel=icon> ask for /favicon.ico."""
    return redirect(static("alleger/favicon.svg"))
