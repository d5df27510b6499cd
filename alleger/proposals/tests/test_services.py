"""Proposal services: supports counted exactly, official answers along the allowed transitions."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from alleger.core.models import AuditEvent
from alleger.proposals.models import Proposal, Support
from alleger.proposals.services import (
    proposal_answer,
    proposal_create,
    proposal_support,
    proposal_withdraw_support,
)
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

S = Proposal.Status


@pytest.fixture
def proposal(territory, other_resident):
    return make_proposal(territory=territory, author=other_resident)


def _state(proposal):
    proposal.refresh_from_db()
    return (proposal.status, proposal.supports_count, proposal.answer, Support.objects.count(),
            AuditEvent.objects.count())


def test_it_creates_a_proposal_and_audits(territory, resident):
    proposal = proposal_create(author=resident, territory=territory, kind=Proposal.Kind.OPEN_SPACE,
                               title=" Ouvrir la cour de l'école le samedi ", body="Pour les enfants du quartier.")
    assert (proposal.title, proposal.status, proposal.supports_count) == (
        "Ouvrir la cour de l'école le samedi", S.SUBMITTED, 0)
    assert AuditEvent.objects.filter(action="proposal.create", actor=resident).exists()


def test_a_proposal_needs_a_title_and_a_body(territory, resident):
    with pytest.raises(ValidationError):
        proposal_create(author=resident, territory=territory, kind="other", title="  ", body="x")
    with pytest.raises(ValidationError):
        proposal_create(author=resident, territory=territory, kind="nonsense", title="Titre", body="x")
    assert not Proposal.objects.exists()


def test_the_asset_must_be_in_the_territory(territory, other_territory, resident):
    asset = AssetFactory(territory=other_territory)
    with pytest.raises(ValidationError):
        proposal_create(author=resident, territory=territory, kind="open_space", title="Ouvrir", body="x",
                        asset=asset)
    assert not Proposal.objects.exists()


def test_one_support_per_person_and_the_count_follows(proposal, resident, org_member):
    proposal_support(proposal=proposal, user=resident)
    proposal_support(proposal=proposal, user=org_member)
    before = _state(proposal)
    assert before[1] == 2
    with pytest.raises(ValidationError) as refusal:
        proposal_support(proposal=proposal, user=resident)
    assert refusal.value.code == "already_supported"
    assert refusal.value.messages == ["Vous soutenez déjà cette proposition."]
    assert _state(proposal) == before


def test_withdrawing_a_support(proposal, resident):
    proposal_support(proposal=proposal, user=resident)
    proposal_withdraw_support(proposal=proposal, user=resident)
    assert _state(proposal)[1] == 0 and not Support.objects.exists()
    with pytest.raises(ValidationError) as refusal:
        proposal_withdraw_support(proposal=proposal, user=resident)
    assert refusal.value.code == "not_supported"


def test_the_answer_notifies_the_author_and_supporters_once_each(proposal, moderator, resident, other_resident,
                                                                 django_capture_on_commit_callbacks):
    proposal_support(proposal=proposal, user=resident)
    proposal_support(proposal=proposal, user=other_resident)  # the author supports their own proposal too
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(proposal=proposal, moderator=moderator, status=S.ACCEPTED,
                        answer="La Ville dégrappe **dix** carrés rue Michelet au printemps.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answered_by) == (S.ACCEPTED, moderator)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, other_resident.email])
    assert all("Acceptée" in m.body and "dix" in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(action="proposal.answer", actor=moderator).get().data == {
        "old": "submitted", "new": "accepted"}


def test_an_answered_proposal_takes_no_more_supports(proposal, moderator, resident):
    proposal_support(proposal=proposal, user=resident)
    proposal_answer(proposal=proposal, moderator=moderator, status=S.REJECTED, answer="Trop étroit.")
    before = _state(proposal)
    for action in (proposal_support, proposal_withdraw_support):
        with pytest.raises(ValidationError) as refusal:
            action(proposal=proposal, user=resident if action is proposal_withdraw_support else UserFactory())
        assert refusal.value.code == "not_open"
    assert _state(proposal) == before


def test_decisions_need_an_answer_and_follow_the_transitions(proposal, moderator):
    before = _state(proposal)
    with pytest.raises(ValidationError) as refusal:
        proposal_answer(proposal=proposal, moderator=moderator, status=S.ACCEPTED, answer="  ")
    assert refusal.value.code == "answer_required"
    with pytest.raises(ValidationError) as refusal:
        proposal_answer(proposal=proposal, moderator=moderator, status=S.IMPLEMENTED, answer="Fait.")
    assert refusal.value.code == "invalid_transition"
    assert _state(proposal) == before
    # submitted → under review (no answer needed) → accepted → implemented
    proposal_answer(proposal=proposal, moderator=moderator, status=S.UNDER_REVIEW, answer="")
    proposal_answer(proposal=proposal, moderator=moderator, status=S.ACCEPTED, answer="Oui.")
    proposal_answer(proposal=proposal, moderator=moderator, status=S.IMPLEMENTED, answer="C'est fait !")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.answer) == (S.IMPLEMENTED, "C'est fait !")
    with pytest.raises(ValidationError) as refusal:
        proposal_answer(proposal=proposal, moderator=moderator, status=S.REJECTED, answer="Non.")
    assert refusal.value.code == "invalid_transition"


def test_the_answer_e_mail_is_plain_text_with_its_apostrophes(territory, other_resident, moderator, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    # A plain-text e-mail escapes nothing: « l'ombre », never « l&#x27;ombre » (alleger.core.mail renders every
    # template without HTML escaping)
    proposal = make_proposal(territory=territory, author=other_resident, title="Des bancs à l'ombre")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_answer(proposal=proposal, moderator=moderator, status="under_review",
                        answer="On regarde ça & on revient vers vous.")
    [mail] = mailoutbox
    assert "« Des bancs à l'ombre »" in mail.subject
    assert "À l'étude" in mail.body and "On regarde ça & on revient vers vous." in mail.body
    assert "&#x27;" not in mail.subject + mail.body and "&amp;" not in mail.body
