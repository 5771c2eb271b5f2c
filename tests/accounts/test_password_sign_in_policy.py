"""PASSWORD_SIGN_IN: who may sign in with a password (accounts/passwords.py).

A refused sign-in is a 400 with one message, whatever the username and whether or not the password
was right, and it counts towards the lockout like a wrong password.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from config.settings.env import env_choice
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ROOT = Path(__file__).resolve().parents[2]
STAFF_ONLY = "Only administrators sign in with a password"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def error_summary(response) -> str:
    return re.search(r'<ul class="govuk-list govuk-error-summary__list">(.*?)</ul>', response.content.decode(), re.S)[1]


def failures(username) -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def test_everyone_signs_in_with_a_password_by_default(client, fca, settings):
    assert settings.PASSWORD_SIGN_IN == "all"
    assert attempt(client, "fca", PASSWORD)["Location"] == reverse("home")


@pytest.fixture
def staff_only(settings):
    settings.PASSWORD_SIGN_IN = "staff"


def test_staff_only_refuses_an_fca_with_the_right_password(client, fca, staff_only):
    response = attempt(client, "fca", PASSWORD)
    assert response.status_code == 400
    assert STAFF_ONLY in error_summary(response)
    assert "_auth_user_id" not in client.session
    assert failures("fca") == 1


def test_staff_only_answers_the_same_whether_or_not_the_password_was_right(client, fca, editor, staff_only):
    answers = {
        "an fca, right password": attempt(client, "fca", PASSWORD),
        "an fca, wrong password": attempt(client, "fca", "wrong"),
        "nobody of that name": attempt(client, "nobody", PASSWORD),
        "an administrator, wrong password": attempt(client, "editor", "wrong"),
    }
    assert {name: response.status_code for name, response in answers.items()} == dict.fromkeys(answers, 400)
    assert len({error_summary(response) for response in answers.values()}) == 1
    assert "_auth_user_id" not in client.session


def test_staff_only_lets_an_administrator_in(client, editor, staff_only):
    response = attempt(client, "editor", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_staff_only_locks_out_after_five_refusals_as_for_wrong_passwords(client, fca, staff_only):
    for _ in range(4):
        assert attempt(client, "fca", PASSWORD).status_code == 400
    response = attempt(client, "fca", PASSWORD)
    assert response.status_code == 429
    assert failures("fca") == 5


def test_staff_only_says_so_on_the_sign_in_page(client, staff_only):
    html = client.get(LOGIN).content.decode()
    assert "For administrators: use your Practice Hub username and password." in html


def test_staff_only_still_explains_a_missing_password(client, staff_only):
    response = client.post(LOGIN, {"username": "fca", "password": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert failures("fca") == 0


@pytest.fixture
def no_passwords(settings):
    settings.PASSWORD_SIGN_IN = "none"


def test_none_refuses_everyone_without_checking_anything(client, fca, superuser, no_passwords):
    for username, password in (("fca", PASSWORD), ("admin", PASSWORD), ("admin", "wrong"), ("nobody", "x")):
        response = attempt(client, username, password)
        assert response.status_code == 400
        assert "Practice Hub does not accept passwords" in error_summary(response)
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()


def test_none_shows_no_password_form(client, no_passwords):
    html = client.get(LOGIN).content.decode()
    assert 'name="password"' not in html and "Forgotten your password?" not in html


# Reading the setting ---------------------------------------------------------------------------


def _settings_value(name: str, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("OIDC_", "PASSWORD_"))}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.test", **env)
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_is_staff_only_by_default_once_openid_connect_is_configured():
    result = _settings_value(
        "PASSWORD_SIGN_IN",
        OIDC_RP_CLIENT_ID="practice-hub",
        OIDC_RP_CLIENT_SECRET="secret",
        OIDC_ISSUER="https://login.example.org/tenant/v2.0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "staff"


def test_none_without_openid_connect_stops_start_up():
    result = _settings_value("PASSWORD_SIGN_IN", PASSWORD_SIGN_IN="none")
    assert result.returncode != 0
    assert "PASSWORD_SIGN_IN=none needs OpenID Connect" in result.stderr


def test_a_value_it_does_not_know_stops_start_up(monkeypatch):
    monkeypatch.setenv("PASSWORD_SIGN_IN", "admins")
    with pytest.raises(ImproperlyConfigured, match="PASSWORD_SIGN_IN must be one of all, staff, none, not 'admins'"):
        env_choice("PASSWORD_SIGN_IN", "all", ("all", "staff", "none"))
    monkeypatch.setenv("PASSWORD_SIGN_IN", " Staff ")
    assert env_choice("PASSWORD_SIGN_IN", "all", ("all", "staff", "none")) == "staff"
