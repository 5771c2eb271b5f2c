"""Passwords in Chromium: changing one signs out the person's other browsers, resetting a forgotten one
by email (Django's locmem mailbox, the email sent as the worker sends it), and PASSWORD_SIGN_IN."""

import re
from urllib.parse import urlparse

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.tasks_support import run_queued_tasks

from .conftest import check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

NEW = "a-long-new-passphrase-for-practice"


def sessions_of(user) -> int:
    return sum(session.get_decoded().get("_auth_user_id") == str(user.pk) for session in Session.objects.all())


def test_changing_the_password_signs_out_the_other_browser(new_page, fca):
    here, elsewhere = new_page(), new_page()
    sign_in(here, "fca")
    sign_in(elsewhere, "fca")
    assert sessions_of(fca) == 2

    here.get_by_role("link", name="Your account").click()
    here.get_by_role("link", name="Change your password").click()
    expect(here.get_by_role("heading", level=1)).to_have_text("Change your password")
    check_axe(here, "change your password")
    here.fill("#old_password", "not-my-password")
    here.fill("#new_password1", NEW)
    here.fill("#new_password2", NEW)
    here.get_by_role("button", name="Change your password").click()
    expect(here.locator(".govuk-error-summary")).to_be_focused()
    expect(here.locator(".govuk-error-summary")).to_contain_text("Your current password is not right")
    check_axe(here, "change your password with an error")
    here.fill("#old_password", PASSWORD)
    here.fill("#new_password1", NEW)
    here.fill("#new_password2", NEW)
    here.get_by_role("button", name="Change your password").click()

    expect(here.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(here.locator(".govuk-notification-banner--success")).to_contain_text("Your password has been changed")
    screenshot(here, "password-changed")
    fca.refresh_from_db()
    assert fca.check_password(NEW)
    assert sessions_of(fca) == 2  # the other is still stored until it next asks for something

    elsewhere.reload()

    expect(elsewhere).to_have_url(re.compile(r"/accounts/login/"))
    assert sessions_of(fca) == 1
    here.goto("/checklists/")
    expect(here.get_by_role("heading", level=1)).to_be_visible()
    assert urlparse(here.url).path == "/checklists/"


def test_a_forgotten_password_is_reset_by_email(page, fca, console):
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_axe(page, "reset your password")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your email address")
    check_axe(page, "reset your password with an error")
    page.fill("#email", "fca@practicehub.invalid")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_axe(page, "check your email")

    assert run_queued_tasks() == 1
    [message] = mail.outbox
    link = re.search(r"https?://\S+", message.body)[0]

    page.goto(urlparse(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    assert "/set-password/" in page.url  # the token is no longer in the address
    check_axe(page, "choose a new password")
    page.fill("#new_password1", NEW)
    page.fill("#new_password2", NEW)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your password has been reset")
    check_axe(page, "password reset")
    screenshot(page, "password-reset")

    page.get_by_role("link", name="Sign in with your new password").click()
    sign_in(page, "fca", NEW)
    assert sessions_of(fca) == 1
    page.goto(urlparse(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("The link does not work")
    check_axe(page, "used reset link")
    assert [error for error in console.errors if "status of 400" not in error] == []


def test_an_unknown_address_gets_the_same_page_and_no_email(page, fca):
    page.goto("/accounts/password/reset/")
    page.fill("#email", "nobody@practicehub.invalid")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    run_queued_tasks()
    assert mail.outbox == []


def test_staff_only_sign_in_refuses_an_fca_and_lets_an_administrator_in(page, fca, editor, settings):
    settings.PASSWORD_SIGN_IN = "staff"
    page.goto("/accounts/login/")
    expect(page.get_by_text("For administrators: use your Practice Hub username and password.")).to_be_visible()
    page.fill("#id_username", "fca")
    page.fill("#id_password", PASSWORD)
    page.click("button:text('Sign in')")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Only administrators sign in with a password")
    check_axe(page, "password sign-in refused")
    assert sessions_of(fca) == 0

    sign_in(page, "editor")
    assert sessions_of(editor) == 1


def test_no_password_sign_in_shows_no_password_form(page, settings):
    settings.PASSWORD_SIGN_IN = "none"
    page.goto("/accounts/login/")
    expect(page.locator("#id_password")).to_have_count(0)
    expect(page.get_by_role("link", name="Forgotten your password?")).to_have_count(0)
    check_axe(page, "sign-in page without passwords")
