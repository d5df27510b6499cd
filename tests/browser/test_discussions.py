"""Proposals, comments and moderation in the browser: a supported proposal and a comment posted with
JavaScript off, and axe-core finds nothing serious on the proposal, kit thread and moderation pages."""

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def moderated(territory, member):
    """`member` (Martha) moderates the territory; a kit and a proposal, each with a flagged comment."""
    from alleger.kits.models import Kit
    from alleger.territories.models import TerritoryRole
    from alleger.testing.discussions_factories import flag_by, make_comment, make_proposal
    from alleger.testing.kits_factories import make_kit

    TerritoryRole.objects.create(territory=territory, user=member, role=TerritoryRole.Role.MODERATOR)
    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory, title="Fleurir la rue", slug="fleurir")
    make_comment(kit, body="Faut-il un permis ?", is_question=True)
    flag_by(make_comment(kit, body="Publicité"), 3)
    proposal = make_proposal(territory=territory)
    make_comment(proposal, body="Je peux prêter une pioche.")
    return kit, proposal


def test_support_and_comment_without_javascript(new_context, live_server, moderated, logged_in):
    kit, proposal = moderated
    # The session cookie of `logged_in` lives in the default context: copy it into a no-JS one.
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(logged_in, backend="django.contrib.auth.backends.ModelBackend")
    context = new_context(java_script_enabled=False)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + proposal.get_absolute_url())
    page.get_by_role("button", name="Je soutiens cette proposition").click()
    assert "Merci : votre soutien est compté." in page.content()
    assert "1 soutien" in page.content()
    page.goto(live_server.url + kit.get_absolute_url())
    page.get_by_label("Votre commentaire").fill("J'ai essayé : ça marche **très bien**.")
    page.get_by_role("button", name="Publier").click()
    assert "Votre commentaire est publié." in page.content()
    assert "<strong>très bien</strong>" in page.content()


def test_the_discussion_pages_are_axe_clean(page, live_server, moderated, logged_in, check_axe):
    kit, proposal = moderated
    for path in ("/propositions/", proposal.get_absolute_url(), "/propositions/nouvelle/",
                 kit.get_absolute_url(), "/moderation/"):
        response = page.goto(live_server.url + path, wait_until="load")
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        check_axe(page)
    assert "Publicité" in page.content()  # the moderator's queue shows the hidden comment


def test_the_project_page_with_its_thread_is_axe_clean(page, live_server, territory, logged_in, check_axe):
    """A live project with a question, the holder's marked answer, a comment form and the flag form."""
    from alleger.testing.discussions_factories import make_comment
    from alleger.testing.factories import UserFactory
    from alleger.testing.funding_factories import ProjectFactory

    holder = UserFactory(display_name="Clément")
    project = ProjectFactory(live=True, territory=territory, holder=holder, title="Le café-ressourcerie")
    question = make_comment(project, body="Ouvrez-vous le dimanche ?", is_question=True)
    make_comment(project, author=holder, body="Oui, de 10 h à 13 h.", parent=question)
    response = page.goto(live_server.url + project.get_absolute_url(), wait_until="load")
    assert response is not None and response.ok
    assert page.locator(".badge-author").inner_text() == "Porteur du projet"
    assert page.get_by_label("Votre commentaire").is_visible()
    check_axe(page)
