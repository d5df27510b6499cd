"""End to end: sign up, verify the e-mail from the outbox, log out, log in, switch to English."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser]

EMAIL = "clemence@example.org"
LINK = re.compile(r"https?://[^\s<>\"]+/accounts/confirm-email/[^\s<>\"]+")


def _path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_sign_up_verify_log_in_and_switch_language(page, live_server, mailoutbox, check_axe):
    from alleger.accounts.models import User

    base = live_server.url

    # Sign up (French by default, whatever the browser's locale).
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("header").get_by_role("link", name="Créer un compte").click()
    expect(page).to_have_url(base + "/accounts/signup/")
    page.get_by_label("Courriel").fill(EMAIL)
    page.get_by_label("Nom affiché").fill("Clémence")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()

    # The verification page, and the message in the outbox.
    expect(page).to_have_url(base + "/accounts/confirm-email/")
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    assert message.subject.startswith("[Alléger] ")
    user = User.objects.get(email=EMAIL)
    assert user.display_name == "Clémence"
    assert not user.emailaddress_set.get().verified
    links = LINK.findall(message.body)
    assert links, message.body

    # Open the link in the same browser (the live server's host may differ
    # from the one written in the message) and confirm with the button.
    page.goto(base + _path_of(links[0]))
    page.locator("main form button[type=submit]").click()
    account_nav = page.get_by_role("navigation", name="Mon compte")
    expect(account_nav.get_by_role("link", name="Clémence")).to_be_visible()
    assert user.emailaddress_set.get().verified

    # Log out with the header's button (a POST form).
    account_nav.locator("form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(base + "/")
    expect(account_nav.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(account_nav.get_by_role("link", name="Clémence")).to_have_count(0)

    # Log in again with the form: the profile page follows.
    account_nav.get_by_role("link", name="Se connecter").click()
    expect(page).to_have_url(re.compile(re.escape(base + "/accounts/login/")))
    page.get_by_label("Courriel").fill(EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/compte/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon profil")
    expect(page.locator("main")).to_contain_text(EMAIL)
    expect(page.get_by_label("Nom affiché")).to_have_value("Clémence")

    # Switch to English with the header's form; it comes back to the profile.
    switch = page.locator("header form.language-switch")
    switch.locator("select").select_option("en")
    switch.locator("button[type=submit]").click()
    expect(page).to_have_url(base + "/compte/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(switch.locator("select")).to_have_value("en")
    check_axe(page)

    # The choice is a cookie: it outlives the session. After logging out, the
    # login page shows allauth's English source text.
    page.locator("header form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(base + "/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("main form button[type=submit]")).to_have_text("Sign in")
    expect(page).to_have_title(re.compile(r"^Sign in\b"))
