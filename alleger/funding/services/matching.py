"""Matchfunding: sponsors' pools top up contributions, and take it back when they fall through.

Locks are taken in a fixed order — project, then pools by primary key — so
that two contributions never wait on each other in opposite orders.
"""

from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.organisations.models import Membership

from .. import ledger
from ..models import Contribution, Match, MatchingPool, Project, Transfer


def pools_for(project: Project):
    """Active pools whose scope covers a project: its territory, narrowed to a theme or a call if set."""
    scope = Q(calls__isnull=True) | Q(calls=project.call_id) if project.call_id else Q(calls__isnull=True)
    return (
        MatchingPool.objects.filter(active=True, territory_id=project.territory_id)
        .filter(Q(theme__isnull=True) | Q(theme_id__in=project.themes.values("pk")))
        .filter(scope)
        .distinct()
        .order_by("pk")
    )


def lock_pools(project: Project) -> list[MatchingPool]:
    """Lock every pool whose scope covers the project, in primary-key order.

    Call it with the project's row already locked. Taking all of them at once,
    sorted, keeps the documented order (project, then pools by pk) whatever the
    pools' triggers are: locking first-euro pools and then lump-sum pools would
    take two pools in the opposite order of a failed campaign's unwinding,
    and the two transactions would deadlock.
    """
    # One statement: the scope as a subquery (FOR UPDATE cannot take DISTINCT itself).
    return list(MatchingPool.objects.select_for_update().filter(pk__in=pools_for(project).values("pk"))
                .order_by("pk"))


def _room_under_cap(project: Project) -> int:
    cap = project.goal_cents * project.territory.overfunding_cap_bp // 10_000
    return max(0, cap - project.total_cents)


def _matched_on_project(pool: MatchingPool, project: Project) -> int:
    return (Match.objects.filter(pool=pool, project=project, status=Match.Status.COMMITTED)
            .aggregate(s=Sum("amount_cents"))["s"] or 0)


def _commit(pool: MatchingPool, project: Project, amount: int, contribution: Contribution | None) -> Match:
    key = f"match:{pool.pk}:{contribution.pk}" if contribution else f"match-lump:{pool.pk}:{project.pk}"
    match = Match.objects.create(pool=pool, project=project, contribution=contribution, amount_cents=amount)
    # The key names the match just created (one per contribution, one lump sum per pool and project).
    ledger.transfer(kind=Transfer.Kind.MATCH_COMMIT, source=ledger.pool_key(pool.pk),
                    destination=ledger.escrow_key(project.pk), amount_cents=amount, idempotency_key=key,
                    project_id=project.pk, contribution_id=contribution.pk if contribution else None,
                    fresh=True)
    MatchingPool.objects.filter(pk=pool.pk).update(balance_cents=F("balance_cents") - amount)
    pool.balance_cents -= amount
    project.matched_cents += amount
    return match


def is_own_project(project: Project, contribution: Contribution) -> bool:
    """Given by the project's holder, by a member of the organisation that carries it, or in its name:
    a sponsor's pool does not pay a holder for giving herself money (the stored recorder, migration 0013)."""
    if contribution.contributor_id == project.holder_id:
        return True
    if project.organisation_id is None:
        return False
    return contribution.organisation_id == project.organisation_id or Membership.objects.filter(
        organisation_id=project.organisation_id, user_id=contribution.contributor_id).exists()


def is_own_sponsor(pool: MatchingPool, contribution: Contribution) -> bool:
    """Given in the pool's sponsor's name or by one of its members: a foundation does not double itself."""
    return contribution.organisation_id == pool.sponsor_id or Membership.objects.filter(
        organisation_id=pool.sponsor_id, user_id=contribution.contributor_id).exists()


def match_contribution(*, project: Project, contribution: Contribution,
                       pools: list[MatchingPool] | None = None) -> int:
    """Commit the first applicable pool's match for a new contribution (none for one's own project).

    The project row is locked; `pools` are the ones `lock_pools` returned.
    """
    pools = lock_pools(project) if pools is None else pools
    if is_own_project(project, contribution):
        return 0
    for pool in pools:
        if pool.trigger != MatchingPool.Trigger.FIRST_EURO:
            continue
        if is_own_sponsor(pool, contribution):
            continue
        if pool.max_matches_per_contributor is not None:
            already = Match.objects.filter(pool=pool, contribution__contributor_id=contribution.contributor_id,
                                           status__in=[Match.Status.COMMITTED, Match.Status.RELEASED]).count()
            if already >= pool.max_matches_per_contributor:
                continue
        amount = contribution.amount_cents * pool.factor_bp // 10_000
        if pool.cap_per_contribution_cents is not None:
            amount = min(amount, pool.cap_per_contribution_cents)
        if pool.cap_per_project_cents is not None:
            amount = min(amount, pool.cap_per_project_cents - _matched_on_project(pool, project))
        amount = min(amount, pool.balance_cents, _room_under_cap(project))
        if amount <= 0:
            continue
        _commit(pool, project, amount, contribution)
        contribution.matched_cents = amount
        return amount
    return 0


def match_lump_sums(*, project: Project, pools: list[MatchingPool] | None = None) -> int:
    """Commit lump sums whose threshold the crowd has just reached.

    The project row is locked; `pools` are the ones `lock_pools` returned.
    """
    committed = 0
    pools = lock_pools(project) if pools is None else pools
    for pool in pools:
        if pool.trigger != MatchingPool.Trigger.LUMP_SUM:
            continue
        if Match.objects.filter(pool=pool, project=project, contribution__isnull=True).exists():
            continue
        reached = (
            (pool.threshold_percent is not None
             and project.pledged_cents * 100 >= project.goal_cents * pool.threshold_percent)
            or (pool.threshold_contributors is not None
                and project.contributors_count >= pool.threshold_contributors)
        )
        if not reached:
            continue
        amount = min(pool.lump_sum_cents, pool.balance_cents, _room_under_cap(project))
        if pool.cap_per_project_cents is not None:
            amount = min(amount, pool.cap_per_project_cents - _matched_on_project(pool, project))
        if amount > 0:
            _commit(pool, project, amount, None)
            committed += amount
    return committed


def match_return(match: Match) -> None:
    """Give a committed match back to its pool (cancellation, failed campaign, dropped payment)."""
    pool = MatchingPool.objects.select_for_update().get(pk=match.pool_id)
    moved = Match.objects.filter(pk=match.pk, status=Match.Status.COMMITTED).update(
        status=Match.Status.RETURNED)
    if not moved:
        return
    ledger.transfer(kind=Transfer.Kind.MATCH_RETURN, source=ledger.escrow_key(match.project_id),
                    destination=ledger.pool_key(pool.pk), amount_cents=match.amount_cents,
                    idempotency_key=f"match-return:{match.pk}", project_id=match.project_id,
                    contribution_id=match.contribution_id)
    MatchingPool.objects.filter(pk=pool.pk).update(balance_cents=F("balance_cents") + match.amount_cents)
    Project.objects.filter(pk=match.project_id).update(matched_cents=F("matched_cents") - match.amount_cents)
    if match.contribution_id:
        Contribution.objects.filter(pk=match.contribution_id).update(matched_cents=0)


def pool_fund(*, pool: MatchingPool, amount_cents: int, actor, idempotency_key: str) -> MatchingPool:
    """A sponsor puts money in its pool. A repeated key (for this pool) changes nothing."""
    if amount_cents <= 0:
        raise Refused("invalid", _("Le montant doit être positif."))
    if not idempotency_key or len(idempotency_key) > 80:
        raise Refused("invalid", _("Une clé d'idempotence (80 caractères au plus) est requise."))
    pool = MatchingPool.objects.select_for_update().get(pk=pool.pk)
    # The key is the sponsor's, so it is scoped to the pool: the same key on
    # another pool is another top-up, not a repeat of this one.
    key = f"pool-fund:{pool.pk}:{idempotency_key}"
    if Transfer.objects.filter(idempotency_key=key).exists():
        return pool
    ledger.transfer(kind=Transfer.Kind.POOL_FUND, source=ledger.sponsor_key(pool.sponsor_id),
                    destination=ledger.pool_key(pool.pk), amount_cents=amount_cents, idempotency_key=key)
    MatchingPool.objects.filter(pk=pool.pk).update(balance_cents=F("balance_cents") + amount_cents)
    pool.balance_cents += amount_cents
    return pool
