"""Sponsors: matching pools and the support they attach to projects."""

from django.db import transaction
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from ..models import MatchingPool, Project, Support
from . import matching
from .projects import project_follow


@transaction.atomic
def pool_create(*, sponsor, actor, name: str, territory, initial_cents: int, idempotency_key: str,
                **rules) -> MatchingPool:
    if not sponsor.is_sponsor:
        raise Refused("forbidden", _("Seul un mécène peut ouvrir un fonds de doublement."), status=403)
    if initial_cents < 0:
        raise Refused("invalid", _("Le montant doit être positif."))
    # Two active pools of one name on a project's page read as one counted twice (and a form sent twice
    # would open two): the name tells them apart.
    if MatchingPool.objects.filter(sponsor=sponsor, territory=territory, active=True,
                                   name__iexact=(name or "").strip()).exists():
        raise Refused("duplicate_name", _("Vous avez déjà un fonds ouvert de ce nom sur ce territoire : "
                                          "alimentez-le, ou donnez un autre nom au nouveau."), status=409)
    pool = MatchingPool(sponsor=sponsor, name=name, territory=territory, **rules)
    pool.full_clean()
    pool.save()
    if initial_cents:
        matching.pool_fund(pool=pool, amount_cents=initial_cents, actor=actor, idempotency_key=idempotency_key)
    audit_record(actor=actor, action="pool.create", target=pool, initial=initial_cents)
    pool.refresh_from_db()
    return pool


@transaction.atomic
def pool_top_up(*, pool: MatchingPool, actor, amount_cents: int, idempotency_key: str) -> MatchingPool:
    if amount_cents <= 0:
        raise Refused("invalid", _("Le montant doit être positif."))
    pool = matching.pool_fund(pool=pool, amount_cents=amount_cents, actor=actor, idempotency_key=idempotency_key)
    audit_record(actor=actor, action="pool.fund", target=pool, amount=amount_cents)
    return pool


@transaction.atomic
def support_attach(*, project: Project, organisation, actor, kind: str, description: str,
                   amount_cents=None) -> Support:
    if not actor.has_perm("organisations.act_for", organisation):
        raise Refused("forbidden", _("Vous n'êtes pas membre de cette organisation."), status=403)
    support = Support(project=project, organisation=organisation, kind=kind, description=description,
                      amount_cents=amount_cents, created_by=actor)
    support.full_clean()
    support.save()
    project_follow(project=project, user=actor)  # following brings its news back, if they had stopped them
    audit_record(actor=actor, action="project.support", target=project, kind=kind)
    return support
