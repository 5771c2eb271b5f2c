"""Two-factor sign-in for staff in Chromium: setting up an app, codes right and wrong, a lockout, and
backup codes. Codes are made from the key the page shows, as an authenticator app makes them."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.two_factor_support import code_for, code_from_manual_key, give_backup_codes, set_up_app, wrong_code

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium reports each 4xx document, which the wrong codes here are on purpose.
EXPECTED = re.compile(r"the server responded with a status of (400|429)\b")


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.TWO_FACTOR_REQUIRED = True
    # django-otp's back-off would make a test wait between a wrong code and the next.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def signed_in_sessions(user) -> int:
    return sum(session.get_decoded().get("_auth_user_id") == str(user.pk) for session in Session.objects.all())


def enter_code(page, code):
    page.fill("#code", code)
    page.get_by_role("button", name=re.compile("^(Continue|Confirm the code)$")).click()


def test_an_administrator_sets_up_an_app_and_signs_in_with_it(page, superuser, console):
    sign_in(page, "admin")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/set-up/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    check_axe(page, "set up two-factor")
    screenshot(page, "two-factor-set-up")
    # Nothing else can be reached until the code is given.
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.goto("/accounts/two-factor/set-up/")
    key = page.locator("#manual-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)

    enter_code(page, code_from_manual_key(key))

    expect(page.get_by_role("heading", level=1)).to_have_text("Save your backup codes")
    codes = page.locator("#backup-codes li").all_inner_texts()
    assert len(codes) == 10
    stored = set(StaticToken.objects.filter(device__user=superuser).values_list("token", flat=True))
    assert stored == {code.replace(" ", "") for code in codes}
    check_axe(page, "new backup codes")
    page.get_by_role("button", name="I have saved my codes").click()
    expect(page).to_have_url(re.compile(r"/$"))
    assert TOTPDevice.objects.get(user=superuser).confirmed
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Content and accounts")).to_be_visible()

    page.goto("/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "admin")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    check_axe(page, "enter your code")
    screenshot(page, "two-factor-code")

    # The code the app shows now was used to set it up: the app's next one signs in.
    enter_code(page, code_from_manual_key(key, steps_ahead=1))

    expect(page).to_have_url(re.compile(r"/$"))
    assert signed_in_sessions(superuser) == 1
    assert [error for error in console.errors if not EXPECTED.search(error)] == []


def test_a_wrong_code_is_explained_and_the_right_one_then_signs_in(page, editor):
    device = set_up_app(editor)
    sign_in(page, "editor")

    enter_code(page, wrong_code(device))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("That code is not right")
    summary.get_by_role("link").click()
    expect(page.locator("#code")).to_be_focused()
    check_axe(page, "wrong code")
    assert signed_in_sessions(editor) == 0
    assert AccessAttempt.objects.get(username="editor").failures_since_start == 1

    enter_code(page, code_for(device))

    expect(page).to_have_url(re.compile(r"/$"))
    assert signed_in_sessions(editor) == 1
    assert not AccessAttempt.objects.filter(username="editor").exists()


def test_repeated_wrong_codes_lock_the_account(page, editor):
    device = set_up_app(editor)
    sign_in(page, "editor")
    for attempt in range(1, 5):
        enter_code(page, wrong_code(device))
        expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
        assert AccessAttempt.objects.get(username="editor").failures_since_start == attempt

    enter_code(page, wrong_code(device))

    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    check_axe(page, "locked out")
    # Neither the right code nor the right password gets in now.
    page.goto("/accounts/two-factor/")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct-horse-battery-staple")
    page.click("button:text('Sign in')")
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many failed sign-in attempts")
    assert signed_in_sessions(editor) == 0
    assert AccessAttempt.objects.get(username="editor").failures_since_start >= 5


def test_a_backup_code_signs_in_once_only(page, editor):
    set_up_app(editor)
    give_backup_codes(editor)
    sign_in(page, "editor")
    page.get_by_text("I cannot use my authenticator app").click()
    expect(page.get_by_text("Enter one of your backup codes")).to_be_visible()

    enter_code(page, "abcd efgh")

    expect(page).to_have_url(re.compile(r"/$"))
    assert signed_in_sessions(editor) == 1
    assert not StaticToken.objects.filter(token="abcdefgh").exists()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "editor")
    enter_code(page, "abcd efgh")

    expect(page.locator(".govuk-error-summary")).to_contain_text("That code is not right")
    assert signed_in_sessions(editor) == 0
    assert StaticToken.objects.filter(device__user=editor).count() == 2


def test_the_account_pages_are_accessible_and_fit_a_phone(new_page, editor):
    device = set_up_app(editor)
    give_backup_codes(editor)
    page = new_page()
    sign_in(page, "editor")
    enter_code(page, code_for(device))
    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_axe(page, "your account")
    page.get_by_role("link", name="Make new ones (backup codes)").click()
    check_axe(page, "backup codes")
    page.get_by_role("button", name="Make new backup codes").click()
    expect(page.locator("#backup-codes li")).to_have_count(10)
    assert StaticToken.objects.filter(device__user=editor).count() == 10
    for path in ("/accounts/", "/accounts/two-factor/set-up/", "/accounts/two-factor/backup-codes/"):
        page.set_viewport_size({"width": 320, "height": 640})
        page.goto(path)
        assert_no_horizontal_scroll(page)
        check_axe(page, f"{path} at 320px")
    screenshot(page, "phone-backup-codes")
