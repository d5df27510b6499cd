"""A territory's window: its themes (some "à la Une") and its calls for projects."""

from django.db import transaction
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from ..models import Call, MatchingPool, Theme


@transaction.atomic
def theme_save(*, territory, actor, name: str, slug: str, description: str = "", featured: bool = False,
               theme: Theme | None = None) -> Theme:
    """Create a theme of a territory, or change one; `featured` puts it "à la Une"."""
    theme = theme or Theme(territory=territory)
    if theme.territory_id != territory.pk:
        raise Refused("invalid", _("Ce thème appartient à un autre territoire."))
    theme.name, theme.slug, theme.description, theme.featured = name, slug, description, featured
    theme.full_clean()
    theme.save()
    audit_record(actor=actor, action="theme.save", target=theme, featured=featured)
    return theme


@transaction.atomic
def call_create(*, territory, actor, title: str, slug: str, description: str, opens_at, closes_at,
                pool: MatchingPool | None = None) -> Call:
    """Open a call for projects: a window, criteria, and optionally a matching pool reserved to it."""
    if closes_at <= opens_at:
        raise Refused("invalid", _("La clôture d'un appel vient après son ouverture."))
    if pool is not None and pool.territory_id != territory.pk:
        raise Refused("invalid", _("Ce fonds de doublement appartient à un autre territoire."))
    call = Call(territory=territory, title=title, slug=slug, description=description, opens_at=opens_at,
                closes_at=closes_at, pool=pool)
    call.full_clean()
    call.save()
    audit_record(actor=actor, action="call.create", target=call)
    return call
