"""The account pages for every kind of person: who reaches what, and what each page offers."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

from .two_factor_support import code_for, give_backup_codes, set_up_app

pytestmark = pytest.mark.django_db

ACCOUNT, CHANGE = reverse("account"), reverse("password_change")
VERIFY, SETUP, BACKUP_CODES = (
    reverse("two_factor_verify"),
    reverse("two_factor_setup"),
    reverse("two_factor_backup_codes"),
)
RESET = reverse("password_reset")

# What each persona gets from a GET, signed in with force_login (so staff have given no code, and
# with TWO_FACTOR_REQUIRED off that is allowed). 302s go where the test says.
LADDER = {
    ACCOUNT: {"anonymous": 302, "fca": 200, "supervisor": 200, "editor": 200, "superuser": 200},
    CHANGE: {"anonymous": 302, "fca": 200, "supervisor": 200, "editor": 200, "superuser": 200},
    SETUP: {"anonymous": 302, "fca": 404, "supervisor": 404, "editor": 200, "superuser": 200},
    BACKUP_CODES: {"anonymous": 302, "fca": 404, "supervisor": 404, "editor": 404, "superuser": 404},
    VERIFY: {"anonymous": 302, "fca": 302, "supervisor": 302, "editor": 302, "superuser": 302},
    RESET: {"anonymous": 200, "fca": 200, "supervisor": 200, "editor": 200, "superuser": 200},
}


@pytest.mark.parametrize("url", list(LADDER))
@pytest.mark.parametrize("persona", ["anonymous", "fca", "supervisor", "editor", "superuser"])
def test_the_permission_ladder(client_for, request, url, persona):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(url)
    assert response.status_code == LADDER[url][persona]
    if response.status_code == 302 and persona == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert not TOTPDevice.objects.filter(confirmed=True).exists()


def test_an_fca_sees_their_password_and_no_second_factor(client_for, fca):
    html = client_for(fca).get(ACCOUNT).content.decode()
    assert f'<a class="govuk-link" href="{CHANGE}">Change your password</a>' in html
    assert "Two-factor authentication" not in html
    assert '<a class="govuk-service-navigation__link" href="/accounts/"' in html


def test_a_work_account_has_no_password_to_change(client_for, fca):
    fca.set_unusable_password()
    fca.save()
    html = client_for(fca).get(reverse("home")).content.decode()
    assert 'href="/accounts/"' not in html
    html = client_for(fca).get(ACCOUNT).content.decode()
    assert "You sign in with your work account" in html and CHANGE not in html


def test_staff_without_an_app_are_offered_one(client_for, editor):
    html = client_for(editor).get(ACCOUNT).content.decode()
    assert "Two-factor authentication" in html and "Not set up." in html
    assert f'href="{SETUP}"' in html


def test_staff_with_an_app_see_it_and_their_backup_codes(client, editor):
    device = set_up_app(editor)
    give_backup_codes(editor)
    client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    client.post(VERIFY, {"code": code_for(device)})
    html = client.get(ACCOUNT).content.decode()
    assert "Authenticator app" in html and "3 left" in html
    assert f'href="{BACKUP_CODES}"' in html
    assert client.get(BACKUP_CODES).status_code == 200


def test_backup_codes_need_the_second_factor_in_this_session(client_for, editor):
    set_up_app(editor)
    response = client_for(editor).get(BACKUP_CODES)
    assert (
        response.status_code == 302
        and response["Location"] == f"{VERIFY}?next=%2Faccounts%2Ftwo-factor%2Fbackup-codes%2F"
    )
    assert client_for(editor).post(BACKUP_CODES).status_code == 302
    assert not editor.staticdevice_set.exists()


def test_the_code_page_needs_a_sign_in_in_progress(client):
    assert client.get(VERIFY)["Location"] == reverse("login")
    assert client.post(VERIFY, {"code": "123456"})["Location"] == reverse("login")
    assert client.get(SETUP)["Location"] == reverse("login")


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_pages_refuse_other_methods(client_for, editor, method):
    client = client_for(editor)
    for url in (ACCOUNT, VERIFY, SETUP, BACKUP_CODES):
        assert getattr(client, method)(url).status_code == 405


def test_the_account_page_takes_a_fixed_number_of_queries(client_for, editor, django_assert_max_num_queries):
    client = client_for(editor)
    with django_assert_max_num_queries(10):
        assert client.get(ACCOUNT).status_code == 200
    set_up_app(editor)
    give_backup_codes(editor, codes=[f"abcdef{letter}{letter}" for letter in "abcdefghijklmnop"])
    with django_assert_max_num_queries(10):
        assert client.get(ACCOUNT).status_code == 200
