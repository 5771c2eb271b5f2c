"""Two-factor sign-in for staff password accounts (accounts/two_factor.py), through the client.

Codes are real: made from the device's key with django_otp.oath.totp, as an authenticator app makes
them. django-otp's own back-off is off here (the last tests turn it on), so that a wrong code can be
followed at once by the right one; axes' lockout is what these tests count.
"""

import re
import time

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.backends import ModelBackend
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.two_factor import PENDING
from tests.factories import PASSWORD

from .two_factor_support import code_for, code_from_manual_key, give_backup_codes, set_up_app, wrong_code

pytestmark = pytest.mark.django_db

LOGIN, VERIFY, SETUP = reverse("login"), reverse("two_factor_verify"), reverse("two_factor_setup")
BACKUP_CODES = reverse("two_factor_backup_codes")
WRONG = "That code is not right"


class WorkAccountBackend(ModelBackend):
    """Stands in for single sign-on: any backend that is not a password one."""


@pytest.fixture(autouse=True)
def no_app_back_off(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def sign_in_with_password(client, user, *, next_url=None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def failures(user) -> int:
    return sum(AccessAttempt.objects.filter(username=user.username).values_list("failures_since_start", flat=True))


# The sign-in flow --------------------------------------------------------------------------------


def test_a_staff_password_sign_in_asks_for_a_code_before_signing_in(client, superuser, required):
    device = set_up_app(superuser)
    response = sign_in_with_password(client, superuser)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert signed_in_as(client) is None
    # Nobody is signed in yet, so nothing else can be reached.
    assert client.get(reverse("home"))["Location"].startswith(LOGIN)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))
    assert b"Enter your code" in client.get(VERIFY).content

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert signed_in_as(client) == str(superuser.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING not in client.session
    assert client.get(reverse("admin:index")).status_code == 200
    device.refresh_from_db()
    assert device.last_used_at is not None
    assert AccessLog.objects.filter(username=superuser.username).count() == 1


def test_it_goes_on_to_the_page_that_was_asked_for(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor, next_url="/guidance/")
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response["Location"] == "/guidance/"


def test_it_never_goes_on_to_another_site(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor, next_url="https://evil.example/")
    response = client.post(VERIFY, {"code": code_for(device)})
    assert response["Location"] == reverse("home")


def test_a_code_ahead_or_behind_by_one_step_is_accepted(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": code_for(device, steps_ahead=1)})
    assert signed_in_as(client) == str(editor.pk)


def test_spaces_in_the_code_are_ignored(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    code = code_for(device)
    client.post(VERIFY, {"code": f" {code[:3]} {code[3:]} "})
    assert signed_in_as(client) == str(editor.pk)


def test_a_used_code_cannot_be_used_again(client, editor, required):
    device = set_up_app(editor)
    code = code_for(device)
    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": code})
    client.post(reverse("logout"))

    sign_in_with_password(client, editor)
    response = client.post(VERIFY, {"code": code})

    assert response.status_code == 400 and WRONG.encode() in response.content
    assert signed_in_as(client) is None


def test_fcas_and_supervisors_are_never_asked(client, fca, supervisor, required):
    for person in (fca, supervisor):
        client.logout()
        response = sign_in_with_password(client, person)
        assert response["Location"] == reverse("home")
        assert signed_in_as(client) == str(person.pk)


def test_staff_are_not_asked_when_it_is_not_required(client, superuser):
    # Local settings: `make run` signs the demo admin straight in.
    response = sign_in_with_password(client, superuser)
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == str(superuser.pk)
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_an_app_are_asked_even_when_it_is_not_required(client, editor):
    device = set_up_app(editor)
    assert sign_in_with_password(client, editor)["Location"] == VERIFY
    client.post(VERIFY, {"code": code_for(device)})
    assert signed_in_as(client) == str(editor.pk)


def test_the_pending_sign_in_ends_after_the_idle_timeout(client, editor, required, settings):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    session = client.session
    session[PENDING] = {**session[PENDING], "since": time.time() - settings.SESSION_IDLE_TIMEOUT - 1}
    session.save()

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert signed_in_as(client) is None
    assert PENDING not in client.session


def test_a_password_change_ends_the_pending_sign_in(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    editor.set_password("a-completely-new-passphrase")
    editor.save()

    client.post(VERIFY, {"code": code_for(device)})

    assert signed_in_as(client) is None


def test_cancelling_ends_the_pending_sign_in(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    assert b"Cancel and sign out" in client.get(VERIFY).content

    response = client.post(reverse("two_factor_cancel"))

    assert response.status_code == 302 and response["Location"] == LOGIN

    assert PENDING not in client.session
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == LOGIN
    assert signed_in_as(client) is None


def test_cancelling_signs_out_a_session_that_gave_no_code(client_for, editor, required):
    set_up_app(editor)
    client = client_for(editor)
    assert client.get(reverse("two_factor_cancel")).status_code == 405
    assert signed_in_as(client) == str(editor.pk)
    client.post(reverse("two_factor_cancel"))
    assert signed_in_as(client) is None


def test_turning_password_sign_in_off_ends_the_pending_sign_in(client, editor, required, settings):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    settings.PASSWORD_SIGN_IN = "none"
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == LOGIN
    assert signed_in_as(client) is None


# Wrong codes and lockouts ------------------------------------------------------------------------


def test_a_wrong_code_is_refused_and_counted_like_a_wrong_password(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)

    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 400
    assert b"There is a problem" in response.content and WRONG.encode() in response.content
    assert signed_in_as(client) is None
    assert failures(editor) == 1
    # The code itself is not kept in axes' record of the attempt.
    assert wrong_code(device) not in AccessAttempt.objects.get(username=editor.username).post_data


def test_a_badly_formed_code_is_explained_and_not_counted(client, editor, required):
    set_up_app(editor)
    sign_in_with_password(client, editor)
    for bad in ("", "12", "1234567", "abc!", "x" * 5000, "١٢٣٤٥٦"):
        response = client.post(VERIFY, {"code": bad})
        assert response.status_code == 400
        assert b"Enter the 6-digit code from your authenticator app, or a backup code" in response.content
    assert failures(editor) == 0
    assert signed_in_as(client) is None


def test_five_wrong_codes_lock_the_account_like_five_wrong_passwords(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    for _ in range(4):
        assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 400

    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert PENDING not in client.session
    assert failures(editor) == 5
    # Locked: the right password, and then the right code, no longer get anyone in.
    response = sign_in_with_password(client, editor)
    assert response.status_code == 429
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == LOGIN
    assert signed_in_as(client) is None


def test_the_right_password_does_not_clear_the_count_of_wrong_codes(client, editor, required):
    device = set_up_app(editor)
    for _ in range(3):
        sign_in_with_password(client, editor)
        assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 400
    assert failures(editor) == 3

    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": wrong_code(device)})

    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_wrong_passwords_and_wrong_codes_count_together(client, editor, required):
    device = set_up_app(editor)
    for _ in range(3):
        client.post(LOGIN, {"username": editor.username, "password": "wrong"})
    sign_in_with_password(client, editor)
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 400
    assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 429
    assert failures(editor) == 5


def test_the_right_code_clears_the_count(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": wrong_code(device)})
    client.post(VERIFY, {"code": code_for(device)})
    assert signed_in_as(client) == str(editor.pk)
    assert failures(editor) == 0


def test_a_lockout_of_one_account_leaves_another_alone(client, editor, superuser, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    for _ in range(5):
        client.post(VERIFY, {"code": wrong_code(device)})
    other = set_up_app(superuser)
    sign_in_with_password(client, superuser)
    client.post(VERIFY, {"code": code_for(other)})
    assert signed_in_as(client) == str(superuser.pk)


def test_the_apps_back_off_asks_for_a_pause_without_counting_a_guess(client, editor, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": wrong_code(device)})

    response = client.post(VERIFY, {"code": code_for(device)})

    assert response.status_code == 400 and b"Wait a few seconds" in response.content
    assert signed_in_as(client) is None
    assert failures(editor) == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# Backup codes -----------------------------------------------------------------------------------


def test_a_backup_code_signs_in_once_only(client, editor, required):
    set_up_app(editor)
    backup = give_backup_codes(editor)
    sign_in_with_password(client, editor)

    client.post(VERIFY, {"code": "ABCD-EFGH"})

    assert signed_in_as(client) == str(editor.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == backup.persistent_id
    assert sorted(backup.token_set.values_list("token", flat=True)) == ["ijklmnop", "qrstuvwx"]

    client.post(reverse("logout"))
    sign_in_with_password(client, editor)
    response = client.post(VERIFY, {"code": "abcdefgh"})

    assert response.status_code == 400 and WRONG.encode() in response.content
    assert signed_in_as(client) is None
    assert failures(editor) == 1
    assert backup.token_set.count() == 2


# Setting up an app ------------------------------------------------------------------------------


def _manual_key(response) -> str:
    return re.search(r'id="manual-key"><code>([A-Z2-7 ]+)</code>', response.content.decode()).group(1)


def test_staff_without_an_app_set_one_up_as_they_sign_in(client, editor, required):
    response = sign_in_with_password(client, editor)
    assert response["Location"] == SETUP
    assert client.get(reverse("home"))["Location"].startswith(LOGIN)

    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img"' in html and "<title>QR code to add Practice Hub" in html
    assert "<img" not in html  # drawn on the page, from no image service
    key = _manual_key(page)
    assert len(key.split()) == 8 and all(len(group) == 4 for group in key.split())
    device = TOTPDevice.objects.get(user=editor)
    assert not device.confirmed
    assert client.get(SETUP).content.decode().count(key) == 1  # the same key until it is confirmed

    response = client.post(SETUP, {"code": code_from_manual_key(key)})

    assert response.status_code == 302 and response["Location"] == BACKUP_CODES
    device.refresh_from_db()
    assert device.confirmed
    assert signed_in_as(client) == str(editor.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    codes_page = client.get(BACKUP_CODES).content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", codes_page)
    assert len(shown) == 10
    stored = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert stored == {code.replace(" ", "") for code in shown}
    # Shown once: the page does not show them again.
    again = client.get(BACKUP_CODES).content.decode()
    assert shown[0] not in again and "You have 10 backup codes left" in again


def test_a_wrong_code_while_setting_up_is_refused_and_counted(client, editor, required):
    sign_in_with_password(client, editor)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000" if code_for(TOTPDevice.objects.get()) != "000000" else "111111"})
    assert response.status_code == 400 and b"That code is not right" in response.content
    assert not TOTPDevice.objects.get().confirmed
    assert signed_in_as(client) is None
    assert failures(editor) == 1


def test_a_backup_code_does_not_confirm_an_app(client, editor, required):
    sign_in_with_password(client, editor)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "abcdefgh"})
    assert response.status_code == 400
    assert b"Enter the 6-digit code from your authenticator app" in response.content


def test_a_password_alone_never_replaces_an_app_that_is_set_up(client, editor, required):
    device = set_up_app(editor)
    sign_in_with_password(client, editor)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


def test_a_verified_person_can_move_to_a_new_app(client, editor, required):
    old = set_up_app(editor)
    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": code_for(old)})
    key = _manual_key(client.get(SETUP))
    new = TOTPDevice.objects.get(user=editor, confirmed=False)

    response = client.post(SETUP, {"code": code_from_manual_key(key)})

    assert response["Location"] == BACKUP_CODES
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get().persistent_id
    assert client.get(reverse("admin:index")).status_code == 200


def test_new_backup_codes_replace_the_old(client, editor, required):
    device = set_up_app(editor)
    give_backup_codes(editor)
    sign_in_with_password(client, editor)
    client.post(VERIFY, {"code": code_for(device)})

    response = client.post(BACKUP_CODES)

    assert response["Location"] == BACKUP_CODES
    tokens = set(StaticToken.objects.filter(device__user=editor).values_list("token", flat=True))
    assert len(tokens) == 10 and "abcdefgh" not in tokens
    shown = re.findall(r"<li><code>([a-z2-7]{4}) ([a-z2-7]{4})</code></li>", client.get(BACKUP_CODES).content.decode())
    assert {first + second for first, second in shown} == tokens


# The middleware: staff sessions signed in some other way ---------------------------------------


def test_an_unverified_staff_session_reaches_nothing_but_the_code_page(client_for, superuser, required):
    device = set_up_app(superuser)
    client = client_for(superuser)  # a password session that gave no code (as admin's own login made)
    for url in (reverse("home"), reverse("admin:index"), reverse("checklists:list"), reverse("account")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{VERIFY}?next={url.replace('/', '%2F')}"

    response = client.post(f"{VERIFY}?next=%2Fadmin%2F", {"code": code_for(device)})

    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_an_unverified_staff_session_without_an_app_is_sent_to_set_one_up(client_for, editor, required):
    response = client_for(editor).get(reverse("admin:index"))
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"


def test_a_lockout_while_signed_in_without_a_code_signs_the_person_out(client_for, editor, required):
    device = set_up_app(editor)
    client = client_for(editor)
    for _ in range(5):
        response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 429
    assert signed_in_as(client) is None


def test_a_staff_session_from_a_work_account_is_not_asked(client, superuser, required, settings):
    backend = f"{__name__}.WorkAccountBackend"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, backend]
    set_up_app(superuser)
    client.force_login(superuser, backend=backend)
    assert client.get(reverse("admin:index")).status_code == 200


# The admin's own sign-in form --------------------------------------------------------------------


def test_the_admins_sign_in_form_sends_people_to_the_one_sign_in_page(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    assert client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD}).status_code == 405


def test_the_admins_sign_in_form_refuses_someone_signed_in_who_is_not_staff(client_for, fca):
    assert client_for(fca).get(reverse("admin:login")).status_code == 403
