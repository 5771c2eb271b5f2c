"""Sign-in with a work account in Chromium, through the real test identity provider."""

from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.models import Membership, User
from sso.models import Identity
from tests.factories import MembershipFactory, UserFactory
from tests.oidc_provider.people import PASSWORD, PEOPLE
from tests.oidc_provider.process import shared_provider, start_provider
from tests.oidc_provider.support import ProviderBrowser, point_at, query, with_query

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
WORK_ACCOUNT = "Sign in with your work account"


@pytest.fixture
def provider(settings):
    provider = shared_provider()
    point_at(settings, provider)
    return provider


@pytest.fixture
def casey(north):
    user = UserFactory(username="cjones", email="casey.jones@example.org")
    MembershipFactory(user=user, team=north, role=Membership.Role.PRACTITIONER)
    return user


def at_the_provider(page, provider, username):
    """Press the work-account button and sign in on the provider's own page."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name=WORK_ACCOUNT).click()
    page.wait_for_url(lambda url: url.startswith(f"{provider.url}/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Continue").click()


def back_in_practice_hub(page, live_server):
    page.wait_for_url(lambda url: url.startswith(live_server.url))


def callback_from_the_provider(page, provider, username) -> str:
    """Start a sign-in in the browser; return where the provider would send it back, without going there."""
    page.goto("/accounts/login/")
    page.get_by_role("button", name=WORK_ACCOUNT).click()
    page.wait_for_url(lambda url: url.startswith(f"{provider.url}/login/"))
    authorization_request = provider.url + query(page.url)["next"]
    return ProviderBrowser(provider, username).authorize(authorization_request)


def signed_in_sessions(user) -> int:
    return sum(s.get_decoded().get("_auth_user_id") == str(user.pk) for s in Session.objects.all())


def assert_signed_out(page):
    page.goto("/checklists/")
    assert urlsplit(page.url).path == "/accounts/login/"


def test_first_sign_in_links_by_email_and_the_next_matches_by_subject(page, live_server, provider, casey, console):
    page.goto("/accounts/login/")
    work_account = page.get_by_role("button", name=WORK_ACCOUNT)
    expect(work_account).to_be_visible()
    check_axe(page, "sign-in page with a work account")
    screenshot(page, "sign-in-work-account")

    at_the_provider(page, provider, "casey")
    back_in_practice_hub(page, live_server)
    assert urlsplit(page.url).path == "/"
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    identity = Identity.objects.get(user=casey)
    assert identity.subject == PEOPLE["casey"]["sub"]

    # Sign-out at both ends: Practice Hub, then the provider, then back to "You have signed out".
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: url.startswith(live_server.url) and url.endswith("/sso/signed-out/"))
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    assert signed_in_sessions(casey) == 0
    assert_signed_out(page)

    # The email changes; the subject still finds Casey. The provider asks for its password again.
    User.objects.filter(pk=casey.pk).update(email="c.jones@example.org")
    at_the_provider(page, provider, "casey")
    back_in_practice_hub(page, live_server)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert signed_in_sessions(casey) == 1
    assert Identity.objects.count() == 1 and User.objects.count() == 1
    assert console.errors == []


def test_an_unknown_person_is_made_an_account_and_told_to_ask_for_a_team(page, live_server, provider, settings):
    settings.OIDC_UNKNOWN_USERS = "create"
    at_the_provider(page, provider, "robin")
    back_in_practice_hub(page, live_server)
    assert urlsplit(page.url).path == "/sso/no-team/"
    expect(page.get_by_role("heading", name="You are not in a team yet")).to_be_visible()
    expect(page.get_by_text("Ask your practice supervisor or an administrator to add you to a team")).to_be_visible()
    check_axe(page, "no team page")
    screenshot(page, "sso-no-team")
    robin = User.objects.get(email="robin.new@example.org")
    assert not robin.memberships.exists()
    assert signed_in_sessions(robin) == 1


def test_an_unknown_person_is_refused_when_the_setting_says_so(page, live_server, provider):
    at_the_provider(page, provider, "robin")
    back_in_practice_hub(page, live_server)
    expect(page.get_by_role("heading", name="You do not have a Practice Hub account")).to_be_visible()
    check_axe(page, "refused page")
    screenshot(page, "sso-refused")
    assert not User.objects.filter(email="robin.new@example.org").exists()
    assert Session.objects.count() == 0
    assert_signed_out(page)


def test_a_tampered_state_is_refused(page, live_server, provider, casey):
    callback = callback_from_the_provider(page, provider, "casey")
    page.goto(with_query(callback, state="tampered-" + "x" * 24))
    expect(page.get_by_role("heading", name="Sign-in could not be completed")).to_be_visible()
    check_axe(page, "tampered state page")
    assert signed_in_sessions(casey) == 0
    assert not Identity.objects.exists()
    assert_signed_out(page)


def test_an_expired_id_token_is_refused(page, live_server, provider):
    ellis = UserFactory(username="ellis", email="ellis.expired@example.org")
    at_the_provider(page, provider, "ellis")
    back_in_practice_hub(page, live_server)
    expect(page.get_by_role("heading", name="Your sign-in could not be checked")).to_be_visible()
    assert signed_in_sessions(ellis) == 0
    assert not Identity.objects.exists()
    assert_signed_out(page)


def test_a_deactivated_person_is_refused_though_the_provider_signs_them_in(page, live_server, provider, casey):
    User.objects.filter(pk=casey.pk).update(is_active=False)
    at_the_provider(page, provider, "casey")
    back_in_practice_hub(page, live_server)
    expect(page.get_by_role("heading", name="Your Practice Hub account is not active")).to_be_visible()
    assert signed_in_sessions(casey) == 0
    assert_signed_out(page)


def test_when_the_provider_goes_down_staff_still_sign_in_with_a_password(page, live_server, settings, casey, superuser):
    provider = start_provider()
    try:
        point_at(settings, provider)
        callback = callback_from_the_provider(page, provider, "casey")
    finally:
        provider.stop()

    # Half-way through a sign-in, and at the start of the next one, the provider is gone.
    page.goto(callback)
    expect(page.get_by_role("heading", name="The sign-in service is not available")).to_be_visible()
    assert signed_in_sessions(casey) == 0
    page.goto("/accounts/login/")
    page.get_by_role("button", name=WORK_ACCOUNT).click()
    expect(page.get_by_role("heading", name="The sign-in service is not available")).to_be_visible()
    check_axe(page, "provider unavailable page")
    screenshot(page, "sso-unavailable")

    page.get_by_role("link", name="sign in with your password").click()
    sign_in(page, "admin")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert signed_in_sessions(superuser) == 1


def test_the_sign_in_page_fits_a_small_phone(new_page, provider):
    page = new_page(width=320, height=640)
    page.goto("/accounts/login/")
    expect(page.get_by_role("button", name=WORK_ACCOUNT)).to_be_visible()
    assert_no_horizontal_scroll(page)
