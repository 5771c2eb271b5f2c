"""The sign-in page, the layout and the session-timeout warning in a real browser."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.middleware import LAST_ACTIVITY

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_sign_in_page_is_accessible_and_strict(page, console):
    page.goto("/accounts/login/")
    assert page.title() == "Sign in – Practice Hub"
    check_axe(page, "sign-in page")
    screenshot(page, "sign-in")
    assert console.errors == []


def test_a_wrong_password_shows_an_error_summary_that_takes_focus(page, fca):
    page.goto("/accounts/login/")
    page.fill("#id_username", "fca")
    page.fill("#id_password", "not-the-password")
    page.click("button:text('Sign in')")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.locator("a").first.click()
    expect(page.locator("#id_username")).to_be_focused()
    check_axe(page, "sign-in error")


def test_an_fca_signs_in_and_sees_navigation_for_their_role(page, fca, console):
    sign_in(page, "fca")
    nav = page.locator(".govuk-service-navigation__list")
    assert nav.get_by_role("link", name="Guidance").is_visible()
    assert nav.get_by_role("link", name="Checklists").is_visible()
    assert nav.get_by_role("link", name="Supervision").count() == 0
    assert nav.get_by_role("link", name="Admin").count() == 0
    check_axe(page, "FCA home")
    screenshot(page, "home-fca")
    assert console.errors == []


def test_a_supervisor_sees_supervision_in_the_navigation(page, supervisor):
    sign_in(page, "supervisor")
    assert page.locator(".govuk-service-navigation__list").get_by_role("link", name="Supervision").is_visible()
    check_axe(page, "supervisor home")


def test_sign_out_is_a_button_that_posts(page, fca):
    sign_in(page, "fca")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", name="You have signed out").is_visible()
    assert not any(s.get_decoded().get("_auth_user_id") == str(fca.pk) for s in Session.objects.all())
    page.goto("/checklists/")
    assert "/accounts/login/" in page.url


@pytest.mark.parametrize("path", ["/accounts/login/", "/"])
def test_nothing_scrolls_sideways_on_a_small_phone(new_page, fca, path):
    page = new_page(width=320, height=640)
    if path != "/accounts/login/":
        sign_in(page, "fca")
    page.goto(path)
    assert_no_horizontal_scroll(page)
    check_axe(page, f"{path} at 320px")
    screenshot(page, f"phone{path.strip('/').replace('/', '-') or '-home'}")


def test_the_timeout_warning_lets_the_person_stay_signed_in(page, fca, settings):
    sign_in(page, "fca")
    # Start a second, shorter clock in the page only; the server keeps its real timeout.
    page.evaluate(
        "import('/static/js/session-timeout.js').then(m => {"
        " document.body.dataset.sessionIdle = '4'; document.body.dataset.sessionWarning = '3';"
        " m.initSessionTimeout(document.body); })"
    )
    dialog = page.locator("#timeout-dialog")
    dialog.wait_for(state="visible", timeout=5000)
    assert "about to be signed out" in dialog.inner_text()
    check_axe(page, "timeout warning")
    screenshot(page, "timeout-warning")
    session = Session.objects.get()
    before = session.get_decoded()[LAST_ACTIVITY]
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden", timeout=5000)
    after = Session.objects.get().get_decoded()[LAST_ACTIVITY]
    assert after > before
