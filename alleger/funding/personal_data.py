"""A person's contributions in their data export, and what closing their account does to them
(alleger.accounts.personal_data): every pledge that can still be withdrawn is, the others stay as promised."""

from django.utils import timezone
from django.utils.translation import ngettext

from alleger.core.errors import Refused
from alleger.core.templatetags.alleger import euros

from .models import Contribution, Project
from .services.contributions import cancellable_until, contribution_cancel


def export(user) -> list[dict]:
    rows = (Contribution.objects.filter(contributor=user).select_related("project", "reward", "organisation")
            .order_by("created_at", "pk"))
    return [{
        "project": c.project.title, "url": c.project.get_absolute_url(), "kind": c.kind,
        "amount_cents": c.amount_cents, "status": c.status, "created_at": c.created_at.isoformat(),
        "reward": c.reward.title if c.reward else None,
        "on_behalf_of": c.organisation.name if c.organisation else None,
        "anonymous": c.anonymous, "message": c.message,
        # Offline money owed back: when the moderation says it handed it back
        "returned_at": c.returned_at.isoformat() if c.returned_at else None,
    } for c in rows]


def _live(user):
    return (Contribution.objects.filter(contributor=user, status__in=Contribution.ACTIVE)
            .select_related("project").order_by("pk"))


def _withdrawable(contribution: Contribution, now) -> bool:
    return contribution.project.status == Project.Status.PUBLISHED and now <= cancellable_until(contribution.project)


def warnings(user) -> list[str]:
    now = timezone.now()
    live = list(_live(user))
    withdrawn = [c for c in live if _withdrawable(c, now)]
    # Already paid (captured) and no longer withdrawable: nothing more is due, nothing to say.
    kept = [c for c in live if not _withdrawable(c, now) and c.status != Contribution.Status.CAPTURED]
    texts = []
    if withdrawn:
        texts.append(ngettext(
            "Votre contribution en cours (%(amount)s) sera annulée : rien ne sera prélevé, ou la somme vous sera "
            "remboursée.",
            "Vos %(n)d contributions en cours (%(amount)s) seront annulées : rien ne sera prélevé, ou les sommes vous "
            "seront remboursées.", len(withdrawn)) % {"n": len(withdrawn), "amount": euros(sum(c.amount_cents for c in withdrawn))})
    if kept:
        texts.append(ngettext(
            "Une contribution (%(amount)s) ne peut plus être annulée, sa campagne finissant dans moins de 24 heures "
            "ou étant finie : elle reste due comme promis.",
            "%(n)d contributions (%(amount)s) ne peuvent plus être annulées, leur campagne finissant dans moins de "
            "24 heures ou étant finie : elles restent dues comme promis.", len(kept))
            % {"n": len(kept), "amount": euros(sum(c.amount_cents for c in kept))})
    held = Project.objects.filter(holder=user, status__in=(Project.Status.SUBMITTED, Project.Status.PUBLISHED))
    if held.exists():
        total = held.count()
        texts.append(ngettext(
            "Vous portez un projet en relecture ou en campagne : il reste en ligne, sans votre nom, et ses "
            "contributeurs ne pourront plus vous écrire.",
            "Vous portez %(n)d projets en relecture ou en campagne : ils restent en ligne, sans votre nom, et leurs "
            "contributeurs ne pourront plus vous écrire.", total) % {"n": total})
    return texts


def before_delete(user, now) -> None:
    for contribution in _live(user):
        if _withdrawable(contribution, now):
            try:
                contribution_cancel(contribution=contribution, actor=user, now=now)
            except Refused:
                pass  # e.g. the provider could not void: it stays, as the page said it might

