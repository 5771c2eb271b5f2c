"""The sign-in page and the layout in a real browser."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

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
