"""The session-timeout warning in a real browser: it counts from the server's own expiry, says when
the person has been signed out, and notices when they are signed in again.

Timeouts are shortened to seconds with the settings fixture; the live server reads them per request.
"""

import time
from importlib import import_module
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from tests.factories import PASSWORD

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in
from .support import start_checklist

pytestmark = pytest.mark.django_db(transaction=True)


def shorten(settings, *, idle, warning, absolute=3600):
    settings.SESSION_IDLE_TIMEOUT = idle
    settings.SESSION_WARNING_BEFORE = warning
    settings.SESSION_ABSOLUTE_LIFETIME = absolute


def signed_in_sessions():
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id")]


def last_activity():
    (session,) = signed_in_sessions()
    return session.get_decoded()[LAST_ACTIVITY]


def change_session(**values):
    """Rewrite the signed-in session server-side, through the configured engine."""
    store_class = import_module(django_settings.SESSION_ENGINE).SessionStore
    for session in signed_in_sessions():
        store = store_class(session_key=session.session_key)
        store.update(values)
        store.save()


def csrf_cookie(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == django_settings.CSRF_COOKIE_NAME)


def sign_in_elsewhere(context, username="fca"):
    """Sign in again from another tab of the same browser: a new session and a new CSRF token."""
    request = context.request
    if signed_in_sessions():
        assert request.post("/accounts/logout/", headers={"X-CSRFToken": csrf_cookie(context)}).ok
    request.get("/accounts/login/")
    response = request.post(
        "/accounts/login/",
        form={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf_cookie(context)},
    )
    assert response.ok and "/accounts/login/" not in response.url


def dialog_parts(page):
    dialog = page.locator("#timeout-dialog")
    return dialog, dialog.get_by_role("button", name="Stay signed in"), page.locator("#timeout-dialog-stay")


def test_the_warning_counts_down_from_the_servers_expiry_and_staying_signed_in_closes_it(page, fca, settings, console):
    shorten(settings, idle=10, warning=8)
    sign_in(page, "fca")
    dialog, stay, _ = dialog_parts(page)
    expect(dialog).to_be_visible(timeout=6000)
    expect(dialog.get_by_role("heading", name="You're about to be signed out")).to_be_visible()
    seconds = int(page.locator("#timeout-dialog-countdown").inner_text().split()[0])
    assert 1 <= seconds <= 8
    expect(stay).to_be_focused()
    check_axe(page, "timeout warning")
    screenshot(page, "timeout-warning")

    before = last_activity()
    with page.expect_response("**/accounts/session/keep-alive/") as kept:
        stay.click()
    assert kept.value.status == 200
    assert int(kept.value.headers["x-session-expires-in"]) >= 9
    expect(dialog).to_be_hidden()
    assert last_activity() > before
    assert console.errors == []


def test_the_absolute_lifetime_is_counted_and_cannot_be_extended(page, fca, settings):
    # Ten minutes of inactivity allowed, but only nine seconds signed in.
    shorten(settings, idle=600, warning=6, absolute=9)
    sign_in(page, "fca")
    dialog, stay, stay_button = dialog_parts(page)
    expect(dialog).to_be_visible(timeout=6000)
    expect(dialog).to_contain_text("You have been signed in for the longest time allowed")
    seconds = int(page.locator("#timeout-dialog-countdown").inner_text().split()[0])
    assert 1 <= seconds <= 6
    # Staying signed in is not possible, so the button is not offered at all.
    assert stay_button.get_attribute("hidden") is not None
    expect(stay).to_have_count(0)
    check_axe(page, "timeout warning at the absolute lifetime")

    expect(dialog.get_by_role("heading", name="You've been signed out")).to_be_visible(timeout=10_000)
    assert signed_in_sessions() == []


def test_at_expiry_the_dialog_says_signed_out_and_offers_sign_in_back_to_the_same_path(
    new_page, fca, settings, console
):
    page = new_page(width=320, height=640)
    shorten(settings, idle=5, warning=4)
    sign_in(page, "fca")
    page.goto("/checklists/?case=ZE21P00999")  # a query string must not reach the sign-in link
    dialog, stay, stay_button = dialog_parts(page)
    heading = dialog.get_by_role("heading", name="You've been signed out")
    expect(heading).to_be_visible(timeout=12_000)
    expect(heading).to_be_focused()
    expect(dialog).not_to_contain_text("about to be signed out", use_inner_text=True)
    expect(dialog).not_to_contain_text("0 seconds", use_inner_text=True)
    assert stay_button.get_attribute("hidden") is not None
    expect(stay).to_have_count(0)
    expect(dialog.get_by_role("button", name="Sign out")).to_have_count(0)
    assert signed_in_sessions() == []

    sign_in_button = dialog.get_by_role("button", name="Sign in")
    href = sign_in_button.get_attribute("href")
    link = urlparse(href)
    assert link.path == "/accounts/login/"
    assert parse_qs(link.query) == {"next": ["/checklists/"]}
    assert "ZE21P00999" not in href
    check_axe(page, "signed out")
    assert_no_horizontal_scroll(page)
    screenshot(page, "timeout-signed-out")

    sign_in_button.click()
    page.fill("#id_username", "fca")
    page.fill("#id_password", PASSWORD)
    page.click("button:text('Sign in')")
    page.wait_for_url(lambda url: urlparse(url).path == "/checklists/")
    assert urlparse(page.url).query == ""
    # The only errors are the browser reporting the status request refused as signed out.
    assert all("401" in error for error in console.errors), console.errors


def test_it_asks_before_saying_signed_out_and_sees_another_tabs_activity(page, fca, settings):
    shorten(settings, idle=12, warning=4)
    sign_in(page, "fca")
    dialog, _, _ = dialog_parts(page)
    expect(dialog).to_be_visible(timeout=12_000)
    # Another tab keeps the session going; this page is not told.
    assert page.context.request.post(
        "/accounts/session/keep-alive/", headers={"X-CSRFToken": csrf_cookie(page.context)}
    ).ok
    kept_at = last_activity()
    # When its own count runs out it asks the server, which says there is time left: no "signed out".
    expect(dialog).to_be_hidden(timeout=8000)
    expect(page.locator("#timeout-dialog-signed-out")).to_be_hidden()
    assert len(signed_in_sessions()) == 1
    assert last_activity() == kept_at  # asking is not activity


def test_staying_signed_in_sends_the_token_of_a_sign_in_in_another_tab(page, fca, settings):
    shorten(settings, idle=10, warning=8)
    sign_in(page, "fca")
    dialog, stay, _ = dialog_parts(page)
    expect(dialog).to_be_visible(timeout=6000)
    page_token = page.locator("#timeout-dialog input[name=csrfmiddlewaretoken]").input_value()
    sign_in_elsewhere(page.context)
    new_token = csrf_cookie(page.context)
    with page.expect_request("**/accounts/session/keep-alive/") as sent:
        stay.click()
    assert sent.value.headers["x-csrftoken"] == new_token != page_token
    response = sent.value.response()
    assert response.status == 200
    expect(dialog).to_be_hidden()
    before = time.time()
    assert last_activity() <= before and last_activity() > before - 5


def test_coming_back_to_the_tab_after_signing_in_elsewhere_closes_the_signed_out_dialog(page, fca, settings):
    shorten(settings, idle=5, warning=4)
    sign_in(page, "fca")
    dialog, _, _ = dialog_parts(page)
    signed_out = dialog.get_by_role("heading", name="You've been signed out")
    expect(signed_out).to_be_visible(timeout=12_000)

    settings.SESSION_IDLE_TIMEOUT = 60  # long enough that the new session is not about to end
    other_tab = page.context.new_page()
    sign_in(other_tab, "fca")
    signed_in_at = last_activity()
    other_tab.close()
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(dialog).to_be_hidden()
    # The dialog is ready to warn again, with its "Stay signed in" button back.
    assert page.locator("#timeout-dialog-stay").get_attribute("hidden") is None
    expect(page.locator("#timeout-dialog-warning")).not_to_have_attribute("hidden", "")
    assert last_activity() == signed_in_at  # asking is not activity


def test_a_background_save_brings_the_servers_new_expiry(new_page, content, fca, settings):
    shorten(settings, idle=600, warning=5)
    checklist = start_checklist(fca, case_reference="ZE21P00457")
    page = new_page()
    sign_in(page, "fca")
    page.goto(checklist.get_step_url(1))
    dialog, stay, _ = dialog_parts(page)
    # Now only eight seconds of the absolute lifetime are left; the page was told ten minutes.
    change_session(**{SIGNED_IN_AT: time.time() - django_settings.SESSION_ABSOLUTE_LIFETIME + 8})
    with page.expect_response(lambda r: r.url.endswith("/answers/")) as saved:
        page.get_by_role("textbox", name="What is the new information?").press_sequentially("Police attended.")
    assert int(saved.value.headers["x-session-expires-in"]) <= 8
    assert saved.value.headers["x-session-renewable"] == "0"
    expect(dialog).to_be_visible(timeout=6000)
    expect(stay).to_have_count(0)
