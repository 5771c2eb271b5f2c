"""The code, email and password boxes, fuzzed: never a 5xx, and nothing gets anyone in or changes a password."""

from urllib.parse import urlencode

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PASSWORD

from .two_factor_support import code_for, set_up_app

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0" * 6, "١٢٣٤٥٦", "12 34 56", "abcd-efgh", "\x00" * 6, "9" * 5000, "a@b", "@"]),
)
fuzz = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post(client, path, data):
    response = client.post(path, urlencode(data), content_type=FORM)
    assert response.status_code < 500, (path, data)
    return response


@pytest.fixture
def pending_editor(client, editor, settings):
    settings.TWO_FACTOR_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.AXES_FAILURE_LIMIT = 10_000  # every example reaches the code check, not the lockout
    device = set_up_app(editor)
    client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    return device


@fuzz
@given(code=values)
def test_any_wrong_code_is_answered_without_failing_and_signs_nobody_in(client, pending_editor, code):
    if "".join(code.split()) == code_for(pending_editor):
        return
    assert post(client, "/accounts/two-factor/", {"code": code}).status_code == 400
    assert "_auth_user_id" not in client.session


@fuzz
@given(code=values)
def test_any_set_up_code_is_answered_without_failing(client, editor, settings, code):
    settings.TWO_FACTOR_REQUIRED = True
    settings.AXES_FAILURE_LIMIT = 10_000
    client.post("/accounts/login/", {"username": "editor", "password": PASSWORD})
    client.get("/accounts/two-factor/set-up/")
    response = post(client, "/accounts/two-factor/set-up/", {"code": code})
    assert response.status_code in (302, 400)
    assert TOTPDevice.objects.filter(confirmed=True).exists() == (response.status_code == 302)


@fuzz
@given(email=values)
def test_any_reset_address_is_answered_without_failing(client, fca, email):
    assert post(client, "/accounts/password/reset/", {"email": email}).status_code in (302, 400)


@fuzz
@given(old=values, new=values)
def test_any_password_change_is_answered_without_failing(client, fca, old, new):
    client.force_login(fca)
    response = post(
        client, "/accounts/password/change/", {"old_password": old, "new_password1": new, "new_password2": new}
    )
    assert response.status_code in (400, 429)
    fca.refresh_from_db()
    assert fca.check_password(PASSWORD)
