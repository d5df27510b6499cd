from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import feedgenerator
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alleger.core import sections
from alleger.core.cache import public_page
from alleger.core.fragments import VisitorRequest, deferred_context, remembered
from alleger.core.markdown import markdown_to_text
from alleger.core.selectors import live_overview
from alleger.core.text import clean_text

from . import feeds, moderation, selectors
from .models import Territory
from .theme import hex_colour


@public_page
def territory_detail(request, slug):
    # Remembered by this process for the data version (a GET's; alleger/core/fragments.py).
    territory = remembered(request, "territory", (slug,), lambda: get_object_or_404(Territory, slug=slug))

    def content():
        neighbourhoods = list(selectors.neighbourhood_list(territory))
        features = [
            {"type": "Feature", "geometry": n.boundary, "properties": {"name": n.name}}
            for n in neighbourhoods
        ]
        if not features and territory.boundary:
            features = [{"type": "Feature", "geometry": territory.boundary, "properties": {"name": territory.name}}]
        return {
            "neighbourhoods": neighbourhoods,
            "geojson": {"type": "FeatureCollection", "features": features},
            "moderators": selectors.territory_moderators(territory),
            "live": live_overview(territory),
            # As a visitor: the sections go into a shared fragment, whatever app registered them.
            "sections": sections.of("territory", VisitorRequest(request), territory),
        }

    # What the shared fragments show is deferred: read only when they are rendered, not when they
    # come from the cache (alleger/core/fragments.py); the moderation links are the person's own.
    return render(request, "territories/detail.html", {
        "territory": territory,
        **deferred_context(content, ["neighbourhoods", "geojson", "moderators", "live", "sections"]),
        "moderation_links": (remembered(request, "moderation-links", (territory.pk, request.LANGUAGE_CODE),
                                        lambda: moderation.links(territory)) if remembered(
            request, "moderates", (request.user.pk, territory.pk),
            lambda: request.user.has_perm("territories.moderate", territory)) else None),
    })


@public_page
def territory_theme(request, slug):
    """The territory's colours as CSS custom properties: a stylesheet, since the CSP forbids inline styles."""
    territory = get_object_or_404(Territory, slug=slug)
    css = ""
    if hex_colour.regex.match(territory.colour) and hex_colour.regex.match(territory.text_colour):
        css = (f".territory-banner {{ --territory: {territory.colour}; "
               f"--territory-text: {territory.text_colour}; }}\n")
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@public_page
def territory_feed(request, slug, kind):
    """Atom or RSS feed of what is new in a territory: the merge of the registered feed sources."""
    territory = get_object_or_404(Territory, slug=slug)
    generator = feedgenerator.Atom1Feed if kind == "atom" else feedgenerator.Rss201rev2Feed
    # Text stored before the input was cleaned may hold characters XML cannot carry: one would
    # make the whole feed fail (Django refuses to write it), so every text is cleaned here too.
    name = clean_text(territory.name)
    feed = generator(
        title=_("Alléger · %(name)s : les nouveautés") % {"name": name},
        link=request.build_absolute_uri(territory.get_absolute_url()),
        description=_("Nouveaux kits, interventions, signalements et propositions du territoire %(name)s.")
        % {"name": name},
        language=get_language(),
        feed_url=request.build_absolute_uri(),
    )
    for item in feeds.feed_items(territory):
        url = request.build_absolute_uri(item.url)
        # Sources may hand Markdown (a proposal's body): readers get its plain words, escaped
        # because both Atom's <summary type="html"> and RSS's <description> are read as HTML.
        # Every string is cleaned of what XML refuses, for rows stored before the input was cleaned.
        kind = clean_text(str(item.kind))
        summary = escape(Truncator(markdown_to_text(clean_text(item.summary))).chars(400))
        feed.add_item(title=clean_text(f"{kind} · {item.title}"), link=url, unique_id=url, description=summary,
                      pubdate=item.published_at, author_name=clean_text(item.author) or None, categories=[kind])
    response = HttpResponse(content_type=f"{feed.content_type}")
    feed.write(response, "utf-8")
    return response
