"""Helpers for discussions and proposals: made through the services, as the pages make them."""

from alleger.discussions.services import comment_create, flag_create
from alleger.proposals.models import Proposal
from alleger.proposals.services import proposal_create

from .factories import UserFactory


def make_comment(target, *, author=None, body="Bonne idée, on s'y met quand ?", **kwargs):
    return comment_create(author=author or UserFactory(), target=target, body=body, **kwargs)


def flag_by(target, count: int, *, reason="spam"):
    """`count` distinct people flag `target`; returns their flags."""
    return [flag_create(target=target, user=UserFactory(), reason=reason) for _ in range(count)]


def make_proposal(*, territory, author=None, kind=Proposal.Kind.CHANGE_RULE,
                  title="Dégrapper les trottoirs pour y planter des fleurs",
                  body="Retirer des carrés d'enrobé au pied des façades pour y semer des fleurs.", **kwargs):
    return proposal_create(author=author or UserFactory(), territory=territory, kind=kind, title=title, body=body,
                           **kwargs)
