"""Contributions: pledge, cancel, confirm an offline payment.

Every write locks the project row first: the cap, the reward stock, the
contributor count and the matching are all decided under that one lock, so
concurrent pledges queue instead of racing. Pools are locked after it, in
primary-key order (see matching).
"""

import contextlib
import functools
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core import fragments
from alleger.core.db import prepared_cursor
from alleger.core.errors import Refused
from alleger.core.grammar import date_format
from alleger.core.services import audit_record
from alleger.core.templatetags.alleger import euros
from alleger.territories.models import Territory

from .. import ledger, notifications
from ..models import Contribution, Match, Project, Reward, Transfer
from ..providers import get_provider
from ..rules import has_stake_in_project
from . import matching


def _lock_project(project_id: int) -> Project:
    # of=("self",): lock the project's row only. A plain FOR UPDATE over the
    # join would also lock the territory's row, and every pledge to any
    # project of the territory would queue behind it.
    return Project.objects.select_for_update(of=("self",)).select_related("territory").get(pk=project_id)


def _has_other_active(project: Project, contributor_id: int, exclude_id: int | None = None) -> bool:
    qs = Contribution.objects.filter(project=project, contributor_id=contributor_id, status__in=Contribution.ACTIVE)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return qs.exists()


def cap_cents(project: Project) -> int:
    return project.goal_cents * project.territory.overfunding_cap_bp // 10_000


def _check_allowed(project: Project, *, kind: str, amount_cents: int, reward: Reward | None, now) -> None:
    if project.status != Project.Status.PUBLISHED or project.deadline is None or now >= project.deadline:
        raise _refusal("campaign_closed")
    refusal = project.contribution_refusal(kind, with_reward=reward is not None)
    if refusal is not None:
        raise refusal
    if amount_cents < settings.CONTRIBUTION_MIN_CENTS:
        raise Refused("below_minimum", _("Le montant minimal d'une contribution est de %(min)s.")
                      % {"min": euros(settings.CONTRIBUTION_MIN_CENTS)})
    if reward is not None:
        if reward.project_id != project.pk:
            raise Refused("invalid", _("Cette contrepartie n'appartient pas à ce projet."))
        if amount_cents < reward.min_amount_cents:
            raise Refused("below_reward_minimum", _("Cette contrepartie demande au moins %(min)s.")
                          % {"min": euros(reward.min_amount_cents)})
    room = cap_cents(project) - project.total_cents
    if amount_cents > room:
        raise _refusal("over_cap", room)


def contribution_create(*, project: Project, contributor, amount_cents: int, idempotency_key: str,
                        kind: str = Contribution.Kind.DONATION, reward: Reward | None = None,
                        anonymous: bool = False, message: str = "", provider: str = "simulated_card",
                        payment_details: dict | None = None, organisation=None,
                        now=None) -> tuple[Contribution, bool]:
    """Pledge money to a live campaign. Returns (contribution, created).

    An idempotency key names one request of one person: repeated exactly, it
    returns the first contribution; repeated with other parameters (project,
    amount, kind, reward, payment method, anonymity, message), it is refused
    with "idempotency_key_reused", as Stripe does.

    Three steps, so that the project's row lock is held as briefly as the
    money allows (every pledge to a popular campaign queues on it):

    1. without any lock, refuse what is already refused (closed campaign,
       amount, cap, reward) and find a repeated key;
    2. still without the lock, ask the payment provider for an authorisation;
    3. under the project's lock, check again what may have changed meanwhile
       and record the contribution, its reward, its match and the totals
       (`_record`). A refusal there voids the authorisation just taken.

    Given as an `organisation`, the pledge shows the organisation as its
    backer; the contributor still pays and must administer it.
    """
    now = now or timezone.now()
    if not idempotency_key or len(idempotency_key) > 80:
        raise Refused("invalid", _("Une clé d'idempotence (80 caractères au plus) est requise."))
    if provider not in settings.PAYMENT_PROVIDERS:
        raise Refused("invalid", _("Moyen de paiement inconnu."))
    if len(message) > 500:
        raise Refused("invalid", _("Le message fait au plus 500 caractères."))
    if organisation is not None and not contributor.has_perm("organisations.contribute_as", organisation):
        raise Refused("forbidden", _("Seules les personnes qui administrent une organisation contribuent en son nom."),
                      status=403)
    asked = (project.pk, kind, amount_cents, reward.pk if reward else None, provider, anonymous, message,
             organisation.pk if organisation else None)
    project, first_id = _snapshot(project.pk, contributor.pk, idempotency_key)
    if first_id is not None:
        return _replayed(Contribution.objects.get(pk=first_id), asked), False
    if reward is not None:
        reward = Reward.objects.get(pk=reward.pk)
    _check_allowed(project, kind=kind, amount_cents=amount_cents, reward=reward, now=now)
    if reward is not None and reward.remaining is not None and reward.remaining <= 0:
        raise _refusal("reward_sold_out")

    payment = get_provider(provider)
    contribution = Contribution(
        project=project, contributor=contributor, kind=kind, amount_cents=amount_cents, reward=reward,
        anonymous=anonymous, message=message, idempotency_key=idempotency_key, provider=provider,
        organisation=organisation, created_at=now, status=Contribution.Status.PENDING if payment.paid_upfront else Contribution.Status.AUTHORISED,
    )
    # One authorisation per attempt: two attempts with the same key race to
    # the lock, and the loser voids its own hold.
    result = payment.authorise(amount_cents=amount_cents, details=payment_details or {},
                               idempotency_key=f"{contributor.pk}:{idempotency_key}:{uuid.uuid4().hex}")
    if not result.ok:
        raise Refused("payment_declined", _("Le paiement a été refusé ; aucune somme n'a été prélevée."), status=402)
    contribution.provider_reference = result.reference
    try:
        first, goal_reached_now = _record(contribution, now=now)
    except Refused:
        _void_hold(payment, contribution)
        raise
    if first is not None:
        _void_hold(payment, contribution)
        return _replayed(first, asked), False
    notifications.contribution_received(contribution)
    if goal_reached_now:
        notifications.goal_reached(project)
    return contribution, True


def _replayed(first: Contribution, asked: tuple) -> Contribution:
    """The first contribution made with this key, if `asked` is the very same request."""
    made = (first.project_id, first.kind, first.amount_cents, first.reward_id, first.provider, first.anonymous,
            first.message, first.organisation_id)
    if made != asked:
        raise Refused("idempotency_key_reused", _(
            "Cette clé d'idempotence a déjà servi pour une autre demande (projet, montant, type, contrepartie ou "
            "moyen de paiement différents) : utilisez une nouvelle clé pour une nouvelle contribution."), status=422)
    return first


@functools.cache
def _snapshot_sql() -> str:
    def columns(model, alias):
        return ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in model._meta.concrete_fields)

    return (f"SELECT {columns(Project, 'p')}, {columns(Territory, 't')}, "
            f"(SELECT c.id FROM {Contribution._meta.db_table} c WHERE c.contributor_id = %s "
            f"AND c.idempotency_key = %s) "
            f"FROM {Project._meta.db_table} p JOIN {Territory._meta.db_table} t ON t.id = p.territory_id "
            f"WHERE p.id = %s")


def _snapshot(project_id: int, contributor_id: int, idempotency_key: str) -> tuple[Project, int | None]:
    """The project with its territory's rules, and the contribution this key already made, if any.

    One statement, no lock: what it says is checked again under the lock.
    Hand-written because it runs for every pledge, and compiling the
    equivalent queryset costs more than running it; prepared on PostgreSQL,
    because planning it costs more than running it too (alleger.core.db).
    """
    with prepared_cursor() as cursor:
        cursor.execute(_snapshot_sql(), [contributor_id, idempotency_key, project_id])
        row = cursor.fetchone()
    if row is None:
        raise Project.DoesNotExist
    project_fields = [f.attname for f in Project._meta.concrete_fields]
    territory_fields = [f.attname for f in Territory._meta.concrete_fields]
    n = len(project_fields)
    project = Project.from_db(connection.alias, project_fields, _converted(Project, row[:n]))
    territory = Territory.from_db(connection.alias, territory_fields,
                                  _converted(Territory, row[n:n + len(territory_fields)]))
    Project.territory.field.set_cached_value(project, territory)
    return project, row[-1]


def _converted(model, values) -> list:
    """Apply the backend's converters (SQLite's dates and booleans), as the ORM does when it reads a row."""
    values = list(values)
    for i, col, converters in _converters(model, connection.vendor):
        for converter in converters:
            values[i] = converter(values[i], col, connection)
    return values


@functools.cache
def _converters(model, vendor: str) -> list:
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        col = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        if converters:
            found.append((i, col, converters))
    return found


def _void_hold(payment, contribution: Contribution) -> None:
    """Give back an authorisation that no contribution uses (refused under the lock, or a repeated key)."""
    with transaction.atomic():
        payment.void(contribution, idempotency_key=f"unused:{contribution.provider_reference}")


def _record(contribution: Contribution, *, now) -> tuple[Contribution | None, bool]:
    """Under the project's lock: (the first contribution if the key was used meanwhile, goal reached now).

    On PostgreSQL, one call to `funding_contribution_record` (migration 0004;
    0006 adds the organisation) does it all in the database; outside a caller's transaction that
    statement is its own transaction, so the lock is taken and released
    inside the server, never held across a round trip to Python. Elsewhere,
    and when FUNDING_RECORD_IN_SQL is off, the same steps run through the ORM
    in one transaction. `test_hot_path` holds the two together.

    Both look for the key under the project's lock, which settles two
    attempts on the same project. Two attempts with one key on two projects
    take different locks: the unique (contributor, key) index decides, and
    the loser gets the winner's contribution back as a repeat.
    """
    try:
        if connection.vendor == "postgresql" and settings.FUNDING_RECORD_IN_SQL:
            # Within a caller's transaction, a savepoint keeps it usable after a duplicate key.
            with transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext():
                return _record_sql(contribution, now=now)
        with transaction.atomic():
            return _record_orm(contribution, now=now)
    except IntegrityError:
        first = Contribution.objects.filter(contributor_id=contribution.contributor_id,
                                            idempotency_key=contribution.idempotency_key).first()
        if first is None:
            raise
        return first, False


def _refusal(code: str, room: int = 0) -> Refused:
    """The refusals that are checked twice, before the lock and under it."""
    if code == "over_cap":
        if room <= 0:
            return Refused("over_cap", _("Ce projet a atteint son plafond de financement : "
                                         "il ne reçoit plus de contributions."), status=409)
        return Refused("over_cap", _("Ce montant dépasse le plafond du projet : il reste %(room)s à collecter.")
                       % {"room": euros(room)}, status=409)
    if code == "reward_sold_out":
        return Refused("reward_sold_out", _("Cette contrepartie est épuisée."), status=409)
    return Refused("campaign_closed", _("La campagne de ce projet n'est pas ouverte aux contributions."), status=409)


# Typed parameters: one prepared statement whatever the values (alleger.core.db).
_RECORD_SQL = ("SELECT r.r_outcome, r.r_contribution, r.r_room, r.r_matched, r.r_goal_reached_now{bump} "
               "FROM funding_contribution_record(%s::bigint, %s::bigint, %s::text, %s::bigint, %s::bigint, "
               "%s::boolean, %s::text, %s::text, %s::text, %s::text, %s::text, %s::timestamptz, %s::bigint) AS r")
_RECORD_ALONE_SQL = _RECORD_SQL.format(bump=f", {fragments.BUMP_CALL}")
_RECORD_IN_TRANSACTION_SQL = _RECORD_SQL.format(bump="")


def _record_sql(contribution: Contribution, *, now) -> tuple[Contribution | None, bool]:
    c = contribution
    params = [c.project_id, c.contributor_id, c.kind, c.amount_cents, c.reward_id, c.anonymous, c.message,
              c.idempotency_key, c.provider, c.provider_reference, c.status, now, c.organisation_id]
    # The stored function writes through a SELECT, which the shared fragments' write watch does not
    # see: the new data version goes with it. Alone, the statement is its own transaction, and its
    # select list bumps the version once the function has returned (one prepared statement, one round
    # trip; the version's row is locked after the project's, as everywhere, and only until the commit).
    alone = not connection.in_atomic_block
    if alone:
        sql, params = _RECORD_ALONE_SQL, fragments.bump_params() + params  # the select list comes first
    else:
        sql = _RECORD_IN_TRANSACTION_SQL
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        outcome, contribution_id, room, matched, goal_reached_now = cursor.fetchone()[:5]
    if alone:
        fragments.counted()
    else:
        fragments.changed()
    if outcome == "duplicate":
        return Contribution.objects.get(pk=contribution_id), False
    if outcome != "created":
        raise _refusal(outcome, room)
    c.pk, c.matched_cents = contribution_id, matched
    c._state.adding = False
    return None, goal_reached_now


def _record_orm(contribution: Contribution, *, now) -> tuple[Contribution | None, bool]:
    project = _lock_project(contribution.project_id)
    first = Contribution.objects.filter(contributor_id=contribution.contributor_id,
                                        idempotency_key=contribution.idempotency_key).first()
    if first is not None:
        return first, False
    if project.status != Project.Status.PUBLISHED or project.deadline is None or now >= project.deadline:
        raise _refusal("campaign_closed", 0)
    room = cap_cents(project) - project.total_cents
    if contribution.amount_cents > room:
        raise _refusal("over_cap", room)
    if contribution.reward_id is not None:
        claimed = Reward.objects.filter(pk=contribution.reward_id, project_id=project.pk).filter(
            Q(quantity__isnull=True) | Q(claimed__lt=F("quantity"))).update(claimed=F("claimed") + 1)
        if not claimed:
            raise _refusal("reward_sold_out", 0)

    first_of_this_person = not _has_other_active(project, contribution.contributor_id)
    contribution.project = project
    contribution.save(force_insert=True)
    project.pledged_cents += contribution.amount_cents
    if first_of_this_person:
        project.contributors_count += 1
    reached_before = project.goal_reached_at is not None
    pools = matching.lock_pools(project)
    matching.match_contribution(project=project, contribution=contribution, pools=pools)
    matching.match_lump_sums(project=project, pools=pools)
    if not reached_before and project.total_cents >= project.goal_cents:
        project.goal_reached_at = now
    Project.objects.filter(pk=project.pk).update(
        pledged_cents=project.pledged_cents, matched_cents=project.matched_cents,
        contributors_count=project.contributors_count, goal_reached_at=project.goal_reached_at,
    )
    if contribution.matched_cents:
        Contribution.objects.filter(pk=contribution.pk).update(matched_cents=contribution.matched_cents)
    return None, not reached_before and project.goal_reached_at is not None


def cancellable_until(project: Project):
    return project.deadline - timedelta(hours=settings.CANCEL_CUTOFF_HOURS) if project.deadline else None


def _release(contribution: Contribution, project: Project, *, new_status: str, now) -> None:
    """Undo a contribution's effect on the project's totals, its reward and its match.

    The project row is locked by the caller; the contribution has just moved
    to `new_status` with a conditional update.
    """
    pledged = F("pledged_cents") - contribution.amount_cents
    counts = {}
    if not _has_other_active(project, contribution.contributor_id, exclude_id=contribution.pk):
        counts["contributors_count"] = F("contributors_count") - 1
    Project.objects.filter(pk=project.pk).update(pledged_cents=pledged, **counts)
    if contribution.reward_id:
        Reward.objects.filter(pk=contribution.reward_id).update(claimed=F("claimed") - 1)
    match = Match.objects.filter(contribution=contribution, status=Match.Status.COMMITTED).first()
    if match is not None:
        matching.match_return(match)


@transaction.atomic
def contribution_cancel(*, contribution: Contribution, actor, now=None) -> Contribution:
    """The contributor withdraws, until 24 h before the deadline: hold voided or money refunded."""
    now = now or timezone.now()
    project = _lock_project(contribution.project_id)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.contributor_id != actor.pk:
        raise Refused("forbidden", _("Seule la personne qui a contribué peut annuler sa contribution."), status=403)
    if contribution.status == Contribution.Status.CANCELLED:
        return contribution
    if contribution.status not in (Contribution.Status.PENDING, Contribution.Status.AUTHORISED,
                                   Contribution.Status.CAPTURED) or project.status != Project.Status.PUBLISHED:
        raise Refused("not_cancellable", _("Cette contribution ne peut plus être annulée."), status=409)
    if now > cancellable_until(project):
        raise Refused("too_late", _("Une contribution s'annule jusqu'à 24 heures avant la fin de la campagne."),
                      status=409)
    payment = get_provider(contribution.provider)
    if contribution.status == Contribution.Status.CAPTURED:
        result = payment.refund(contribution, idempotency_key=f"cancel-refund:{contribution.pk}")
        if result.ok and contribution.provider == "offline":
            notifications.offline_refund_due([contribution])  # money that came by hand goes back by hand
        if result.ok:
            ledger.transfer(kind=Transfer.Kind.REFUND, source=ledger.escrow_key(project.pk),
                            destination=ledger.contributor_key(contribution.contributor_id),
                            amount_cents=contribution.amount_cents, idempotency_key=f"refund:{contribution.pk}",
                            project_id=project.pk, contribution_id=contribution.pk)
    else:
        result = payment.void(contribution, idempotency_key=f"cancel-void:{contribution.pk}")
    if not result.ok:
        raise Refused("provider_error", _("Le prestataire de paiement n'a pas pu annuler : réessayez plus tard."))
    Contribution.objects.filter(pk=contribution.pk).update(status=Contribution.Status.CANCELLED, ended_at=now)
    _release(contribution, project, new_status=Contribution.Status.CANCELLED, now=now)
    audit_record(actor=actor, action="contribution.cancel", target=contribution)
    contribution.refresh_from_db()
    return contribution


def _refuse_a_stake(contribution: Contribution, actor, project: Project, message: str) -> None:
    """Four eyes on offline money: not its contributor, nor the project's holder or their organisation."""
    if contribution.contributor_id == actor.pk or has_stake_in_project(actor, project):
        raise Refused("conflict_of_interest", message, status=403)


@transaction.atomic
def contribution_confirm_returned(*, contribution: Contribution, actor, now=None) -> Contribution:
    """A moderator says that offline money owed back (withdrawn, or its campaign failed) was handed back to
    its contributor, as it came. The ledger's refund already moved it out of escrow; this records when and
    by whom, once, and tells the contributor (who can answer if it never reached them)."""
    now = now or timezone.now()
    project = _lock_project(contribution.project_id)
    # The same hands as the receipt: never the contributor, nor the holder or their organisation. What guards
    # against a « rendu » that never happened is the contributor's e-mail, which says whom to tell.
    _refuse_a_stake(contribution, actor, project, _(
        "Vous ne pouvez pas confirmer la restitution d'une contribution que vous avez faite, ni d'une "
        "contribution à un projet que vous portez ou que porte votre organisation : un autre modérateur "
        "doit le faire."))
    moved = Contribution.objects.filter(
        pk=contribution.pk, provider="offline", status__in=Contribution.OWED_BACK,
        receipt_confirmed_by__isnull=False, returned_at__isnull=True,
    ).update(returned_at=now, returned_by=actor)
    if not moved:
        done = Contribution.objects.filter(pk=contribution.pk, returned_at__isnull=False).select_related(
            "returned_by").first()
        if done is not None:  # a second tab, another moderator: say who did it, and when
            raise Refused("not_owed", _("Déjà confirmé comme rendu le %(date)s par %(name)s.") % {
                "date": date_format(timezone.localtime(done.returned_at), "j F Y"),
                "name": done.returned_by.public_name}, status=409)
        raise Refused("not_owed", _("Cette contribution n'a rien à rendre : elle n'a pas été reçue hors ligne, "
                                    "ou elle reste due au projet."), status=409)
    audit_record(actor=actor, action="contribution.confirm_returned", target=contribution,
                 amount_cents=contribution.amount_cents, project=project.pk)
    contribution.refresh_from_db()
    notifications.payment_returned(contribution)
    return contribution


@transaction.atomic
def contribution_confirm_receipt(*, contribution: Contribution, actor, now=None) -> Contribution:
    """A moderator confirms that an offline payment (transfer, cheque, cash) arrived: money enters escrow."""
    now = now or timezone.now()
    project = _lock_project(contribution.project_id)
    # Four eyes: money that never arrived would enter escrow and could tip the
    # campaign over its goal, triggering every other backer's capture.
    _refuse_a_stake(contribution, actor, project, _(
        "Vous ne pouvez pas confirmer la réception d'une contribution que vous avez faite, ni d'une "
        "contribution à un projet que vous portez ou que porte votre organisation : un autre modérateur "
        "doit le faire."))
    if project.status not in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED):
        raise Refused("campaign_closed", _("Cette campagne n'a pas été financée : le paiement doit être rendu."),
                      status=409)
    moved = Contribution.objects.filter(
        pk=contribution.pk, provider="offline",
        status__in=[Contribution.Status.PENDING, Contribution.Status.CAPTURE_FAILED],
    ).update(status=Contribution.Status.CAPTURED, captured_at=now, last_error="", receipt_confirmed_by=actor)
    if not moved:
        raise Refused("not_pending", _("Ce paiement n'est pas en attente de réception."))
    ledger.transfer(kind=Transfer.Kind.RECEIVE, source=ledger.contributor_key(contribution.contributor_id),
                    destination=ledger.escrow_key(project.pk), amount_cents=contribution.amount_cents,
                    idempotency_key=f"capture:{contribution.pk}", project_id=project.pk,
                    contribution_id=contribution.pk)
    audit_record(actor=actor, action="contribution.confirm_receipt", target=contribution,
                 amount_cents=contribution.amount_cents, project=project.pk)
    contribution.refresh_from_db()
    notifications.payment_received(contribution)
    return contribution
