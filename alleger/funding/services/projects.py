"""A project's life before and around its campaign: draft, review, publication, updates, follow."""

from datetime import timedelta

from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from alleger.core.errors import Refused
from alleger.core.images import image_clean
from alleger.core.services import audit_record
from alleger.core.templatetags.alleger import euros
from alleger.territories.selectors import neighbourhood_at

from .. import notifications
from ..models import Contribution, Project, ProjectUpdate, Reward, StretchGoal
from ..rules import has_stake_in_project

EDITABLE = (Project.Status.DRAFT, Project.Status.CHANGES_REQUESTED)
#: What a holder may change on a draft: never the status, the deadline or the money figures.
EDITABLE_FIELDS = frozenset({
    "territory", "organisation", "title", "summary", "story", "image_alt", "lat", "lon", "call", "goal_cents",
    "duration_days", "accepts_donation", "accepts_loan", "loan_term_months",
})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:120] or "projet"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_rules(project: Project) -> None:
    """The territory's rules, with messages that say what is allowed."""
    territory = project.territory
    if project.goal_cents is None or project.goal_cents <= 0:
        raise Refused("invalid", _("L'objectif doit être un montant positif."))
    if project.goal_cents > territory.max_goal_cents:
        raise Refused("goal_too_high", _("Dans ce territoire, l'objectif ne dépasse pas %(max)s : petits projets seulement.")
                      % {"max": euros(territory.max_goal_cents)})
    if not territory.campaign_min_days <= project.duration_days <= territory.campaign_max_days:
        raise Refused("bad_duration", _("Une campagne dure ici de %(min)s à %(max)s jours.")
                      % {"min": territory.campaign_min_days, "max": territory.campaign_max_days})
    if project.accepts_loan and not territory.allow_loan:
        raise Refused("kind_not_accepted", _("Ce territoire n'accepte pas les prêts sans intérêt."))
    if project.accepts_loan and not project.loan_term_months:
        raise Refused("invalid", _("Indiquez en combien de mois les prêts seront remboursés."))
    if project.accepts_donation and not (territory.allow_donation or territory.allow_reward):
        raise Refused("kind_not_accepted", _("Ce territoire n'accepte pas les dons."))
    if not (project.accepts_donation or project.accepts_loan):
        raise Refused("invalid", _("Acceptez au moins un type de contribution."))
    if project.call_id and project.call.territory_id != territory.pk:
        raise Refused("invalid", _("Cet appel à projets appartient à un autre territoire."))


def _check_and_save(project: Project, image) -> None:
    """The territory's rules, the neighbourhood from the point, the cleaned picture, then the row."""
    _check_rules(project)
    _locate(project)
    if image is not None:
        cleaned = image_clean(image)
        project.image.save(cleaned.name, cleaned, save=False)
    project.save()


def _locate(project: Project) -> None:
    if project.lat is not None and project.lon is not None:
        project.neighbourhood = neighbourhood_at(territory=project.territory, lat=project.lat, lon=project.lon)
    else:
        project.neighbourhood = None


@transaction.atomic
def project_create(*, holder, territory, title: str, summary: str, story: str, goal_cents: int,
                   duration_days: int, organisation=None, themes=(), call=None, lat=None, lon=None,
                   accepts_donation: bool = True, accepts_loan: bool = False, loan_term_months=None,
                   image=None, image_alt: str = "") -> Project:
    if organisation is not None and not holder.has_perm("organisations.act_for", organisation):
        raise Refused("forbidden", _("Vous n'êtes pas membre de cette organisation."), status=403)
    project = Project(
        holder=holder, territory=territory, organisation=organisation, title=title, summary=summary,
        story=story, goal_cents=goal_cents, duration_days=duration_days, call=call, lat=lat, lon=lon,
        accepts_donation=accepts_donation, accepts_loan=accepts_loan, loan_term_months=loan_term_months,
        image_alt=image_alt, slug=_unique_slug(title),
    )
    _check_and_save(project, image)
    project.themes.set([t for t in themes if t.territory_id == territory.pk])
    audit_record(actor=holder, action="project.create", target=project)
    return project


@transaction.atomic
def project_update(*, project: Project, actor, themes=None, image=None, **fields) -> Project:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"project_update() cannot change {sorted(unknown)}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status not in EDITABLE:
        raise Refused("not_editable", _("Un projet ne se modifie qu'en brouillon ou quand des modifications sont demandées."))
    organisation = fields.get("organisation")
    if (organisation is not None and organisation.pk != project.organisation_id
            and not actor.has_perm("organisations.act_for", organisation)):
        raise Refused("forbidden", _("Vous n'êtes pas membre de cette organisation."), status=403)
    for key, value in fields.items():
        setattr(project, key, value)
    _check_and_save(project, image)
    if themes is not None:
        project.themes.set([t for t in themes if t.territory_id == project.territory_id])
    return project


@transaction.atomic
def project_submit(*, project: Project, actor, now=None) -> Project:
    now = now or timezone.now()
    project = Project.objects.select_for_update().get(pk=project.pk)
    _check_rules(project)
    if project.accepts_donation and not project.territory.allow_donation and not project.rewards.exists():
        raise Refused("invalid", _("Ce territoire n'accepte que les dons avec contrepartie : ajoutez-en une."))
    moved = Project.objects.filter(pk=project.pk, status__in=EDITABLE).update(
        status=Project.Status.SUBMITTED, submitted_at=now)
    if not moved:
        raise Refused("not_editable", _("Ce projet a déjà été soumis."))
    audit_record(actor=actor, action="project.submit", target=project)
    project.refresh_from_db()
    notifications.project_submitted(project)
    return project


class Decision(models.TextChoices):
    ACCEPT = "accept", gettext_lazy("Accepter : la campagne commence")
    REQUEST_CHANGES = "request_changes", gettext_lazy("Demander des modifications")
    REFUSE = "refuse", gettext_lazy("Refuser")


@transaction.atomic
def project_review(*, project: Project, moderator, decision: str, message: str = "", now=None) -> Project:
    """A moderator accepts (the campaign starts now), asks for changes, or refuses with a reason."""
    now = now or timezone.now()
    if decision not in Decision.values:
        raise Refused("invalid", _("Décision inconnue."))
    if decision != Decision.ACCEPT and not message.strip():
        raise Refused("message_required", _("Expliquez votre décision au porteur du projet."))
    project = Project.objects.select_for_update().select_related("territory").get(pk=project.pk)
    if has_stake_in_project(moderator, project):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas relire un projet que vous portez ou que porte "
                                                "votre organisation : un autre modérateur doit le faire."), status=403)
    if project.status != Project.Status.SUBMITTED:
        raise Refused("not_submitted", _("Ce projet n'attend pas de relecture."))
    if decision == Decision.ACCEPT:
        _check_rules(project)
        project.status = Project.Status.PUBLISHED
        project.published_at = now
        project.deadline = now + timedelta(days=project.duration_days)
    elif decision == Decision.REQUEST_CHANGES:
        project.status = Project.Status.CHANGES_REQUESTED
    else:
        project.status = Project.Status.REFUSED
    project.review_message = message.strip()
    project.save(update_fields=["status", "published_at", "deadline", "review_message", "updated_at"])
    audit_record(actor=moderator, action=f"project.review.{decision}", target=project, message=message)
    notifications.project_reviewed(project, decision, project.review_message)
    return project


@transaction.atomic
def reward_save(*, project: Project, actor, reward: Reward | None = None, title: str, description: str = "",
                min_amount_cents: int, quantity=None, estimated_delivery=None) -> Reward:
    project = Project.objects.select_for_update().select_related("territory").get(pk=project.pk)
    if not project.territory.allow_reward:
        raise Refused("kind_not_accepted", _("Ce territoire n'accepte pas les dons avec contrepartie."))
    if project.status not in EDITABLE + (Project.Status.PUBLISHED,):
        raise Refused("not_editable", _("Les contreparties ne se modifient plus après la campagne."))
    if reward is None:
        reward = Reward(project=project)
    else:
        reward = Reward.objects.select_for_update().get(pk=reward.pk, project=project)
        if project.status == Project.Status.PUBLISHED and reward.claimed and min_amount_cents > reward.min_amount_cents:
            raise Refused("invalid", _("Une contrepartie déjà choisie ne peut pas devenir plus chère."))
    if quantity is not None and quantity < reward.claimed:
        raise Refused("invalid", ngettext("%(n)s personne a déjà choisi cette contrepartie.",
                                          "%(n)s personnes ont déjà choisi cette contrepartie.",
                                          reward.claimed) % {"n": reward.claimed})
    reward.title, reward.description = title, description
    reward.min_amount_cents, reward.quantity, reward.estimated_delivery = min_amount_cents, quantity, estimated_delivery
    reward.full_clean()
    reward.save()
    return reward


@transaction.atomic
def reward_delete(*, reward: Reward, actor) -> None:
    reward = Reward.objects.select_for_update().get(pk=reward.pk)
    if reward.claimed or reward.contributions.exists():
        raise Refused("invalid", _("Des contributeurs ont choisi cette contrepartie : elle ne peut plus être retirée."))
    reward.delete()


@transaction.atomic
def stretch_goal_save(*, project: Project, actor, amount_cents: int, title: str) -> StretchGoal:
    if amount_cents <= project.goal_cents:
        raise Refused("invalid", _("Un palier supplémentaire dépasse l'objectif minimal."))
    return StretchGoal.objects.create(project=project, amount_cents=amount_cents, title=title)


@transaction.atomic
def project_follow(*, project: Project, user, follow: bool = True) -> None:
    """Following a project is receiving its news: following again brings them back, and no longer following
    stops them, for a contributor too (who gets them without following)."""
    if follow:
        project.followers.add(user)
        project.news_stopped_by.remove(user)
    elif user.pk == project.holder_id:
        project.followers.remove(user)  # the holder hears of their own project whatever they follow
    else:
        news_stop(project=project, user=user)


#: The salt of the links that stop a project's news: signed, so only the person e-mailed has theirs.
NEWS_STOP_SALT = "alleger.funding.news-stop"


def news_stop_url(project: Project, user) -> str:
    """The path, in a project's news e-mail, that stops them for this person (no login: the link is theirs)."""
    token = signing.dumps([user.pk, project.pk], salt=NEWS_STOP_SALT, compress=False)
    return reverse("funding:news_stop", kwargs={"slug": project.slug, "token": token})


def news_stop_reader(project: Project, token: str):
    """The person a news-stop link was made for, if the link is genuine and for this project; else None."""
    from django.contrib.auth import get_user_model

    try:
        user_id, project_id = signing.loads(token, salt=NEWS_STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if project_id != project.pk:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


@transaction.atomic
def news_stop(*, project: Project, user) -> None:
    """No more news of this project for this person: unfollowed, and left out as a contributor too (never
    its holder, whose link none of its e-mails carries)."""
    project.followers.remove(user)
    if user.pk != project.holder_id:
        project.news_stopped_by.add(user)


@transaction.atomic
def update_post(*, project: Project, author, title: str, body: str) -> ProjectUpdate:
    """An update from the holder, e-mailed to contributors and followers (`update.sent_to`: how many)."""
    update = ProjectUpdate.objects.create(project=project, author=author, title=title, body=body)
    recipients = {c.contributor_id: c.contributor for c in project.contributions.filter(
        status__in=Contribution.ACTIVE + (Contribution.Status.CAPTURED,)).select_related("contributor")}
    for user in project.followers.all():
        recipients.setdefault(user.pk, user)
    recipients.pop(author.pk, None)
    for stopped in project.news_stopped_by.exclude(pk=project.holder_id).values_list("pk", flat=True):
        recipients.pop(stopped, None)
    notifications.update_posted(update, recipients.values())
    update.sent_to = len(recipients)
    return update


@transaction.atomic
def reward_mark_fulfilled(*, contribution: Contribution, actor, fulfilled: bool = True) -> None:
    Contribution.objects.filter(pk=contribution.pk, reward__isnull=False).update(reward_fulfilled=fulfilled)


def send_last_48_hours_reminders(*, now=None) -> int:
    """Tell followers and contributors that a campaign ends within 48 h, once per project."""
    now = now or timezone.now()
    sent = 0
    due = Project.objects.filter(status=Project.Status.PUBLISHED, reminder_sent_at__isnull=True,
                                 deadline__gt=now, deadline__lte=now + timedelta(hours=48))
    for project in due:
        with transaction.atomic():
            if Project.objects.filter(pk=project.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                notifications.last_48_hours(project)
                sent += 1
    return sent
