"""E-mails of the funding track, queued after the transaction that caused them commits (alleger.core.mail)."""

from django.db import transaction

from alleger.core.mail import send_each_later, send_later
from alleger.territories.selectors import territory_moderators

from .tasks import send_receipt


def _send_later(template: str, users, context: dict) -> None:
    send_later(f"funding/email/{template}.txt", list(users), context)


def _send_each_later(template: str, pairs) -> None:
    send_each_later(f"funding/email/{template}.txt", list(pairs))


def project_submitted(project):
    _send_later("project_submitted", territory_moderators(project.territory), {"project": project})


def project_reviewed(project, decision: str, message: str):
    _send_later("project_reviewed", [project.holder], {"project": project, "decision": decision,
                                                       "message": message})


def contribution_received(contribution):
    """The receipt, queued by the contribution's id (see `funding.tasks`): every pledge runs this."""
    transaction.on_commit(lambda: send_receipt(contribution.pk))


def payment_received(contribution):
    """The moderation confirmed that an offline payment arrived: its contributor is told."""
    _send_later("payment_received", [contribution.contributor], {"contribution": contribution,
                                                                  "project": contribution.project})


def payment_returned(contribution):
    """The moderation handed back offline money owed to its contributor: they are told, and can answer."""
    _send_later("payment_returned", [contribution.contributor], {"contribution": contribution,
                                                                  "project": contribution.project})


def offline_refund_due(contributions):
    """Offline money received and now owed back (withdrawn, or its campaign failed): the territory's moderators
    pay it back by hand, as it came; each is told which, to whom and how much."""
    by_territory = {}
    for c in contributions:
        by_territory.setdefault(c.project.territory_id, []).append(c)
    for items in by_territory.values():
        _send_later("offline_refund_due", territory_moderators(items[0].project.territory), {"contributions": items})


def _news(template: str, project, users, context: dict) -> None:
    """A project's news, each reader with the link that stops them (its holder gets none: it is theirs)."""
    from .services.projects import news_stop_url

    _send_each_later(template, [(user, {**context, "unsubscribe_url": None if user.pk == project.holder_id
                                        else news_stop_url(project, user)}) for user in users])


def goal_reached(project):
    _news("goal_reached", project, _holder_and_followers(project), {"project": project})


def last_48_hours(project):
    _news("last_48_hours", project, _followers_and_contributors(project), {"project": project})


def campaign_ended(project):
    """To the holder and followers; contributors hear about their own money separately."""
    _news("campaign_ended", project, _holder_and_followers(project), {"project": project})


def campaign_failed_to_contributors(contributions):
    _send_each_later("contribution_refunded", [(c.contributor, {"contribution": c, "project": c.project})
                                               for c in contributions])


def capture_failed(contributions):
    _send_each_later("capture_failed", [(c.contributor, {"contribution": c, "project": c.project})
                                        for c in contributions])


def payment_dropped(contributions):
    _send_each_later("payment_dropped", [(c.contributor, {"contribution": c, "project": c.project})
                                         for c in contributions])


def paid_out(project, *, amount_cents: int):
    _send_later("paid_out", [project.holder], {"project": project, "amount_cents": amount_cents})


def update_posted(update, recipients):
    _news("update_posted", update.project, recipients, {"update": update, "project": update.project})


def offer_received(offer):
    _send_later("offer_received", [offer.need.project.holder], {"offer": offer, "project": offer.need.project})


def offer_answered(offer):
    _send_later("offer_answered", [offer.author], {"offer": offer, "project": offer.need.project})


def _holder_and_followers(project):
    people = {project.holder_id: project.holder}
    for user in project.followers.exclude(pk__in=project.news_stopped_by.values("pk")):
        people.setdefault(user.pk, user)
    return people.values()


def _followers_and_contributors(project):
    from django.contrib.auth import get_user_model

    from .models import Contribution

    User = get_user_model()
    ids = set(project.followers.values_list("pk", flat=True)) | set(
        Contribution.objects.filter(project=project, status__in=Contribution.ACTIVE)
        .values_list("contributor_id", flat=True))
    return User.objects.filter(pk__in=ids - set(project.news_stopped_by.values_list("pk", flat=True)))
