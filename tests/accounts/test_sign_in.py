import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_shows_the_sign_in_page(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in to Practice Hub" in response.content
    assert b'name="username"' in response.content and b'name="password"' in response.content


def test_it_signs_in_and_goes_home(client, fca):
    response = client.post(reverse("login"), {"username": "fca", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(fca.pk)


def test_it_explains_a_wrong_password(client, fca):
    response = client.post(reverse("login"), {"username": "fca", "password": "wrong"})
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="fca").failures_since_start == 1


def test_it_locks_out_after_five_failures(client, fca):
    for _ in range(5):
        client.post(reverse("login"), {"username": "fca", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "fca", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="fca").failures_since_start >= 5


def test_a_lockout_does_not_affect_another_user(client, fca, other_fca):
    for _ in range(5):
        client.post(reverse("login"), {"username": "fca", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "fca2", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_fca.pk)


def test_sign_out_rejects_get(client_for, fca):
    client = client_for(fca)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(fca.pk)


def test_sign_out_is_a_post(client_for, fca):
    client = client_for(fca)
    response = client.post(reverse("logout"))
    assert response.status_code == 200
    assert b"You have signed out" in response.content
    assert "_auth_user_id" not in client.session


def test_a_signed_in_user_skips_the_sign_in_page(client_for, fca):
    response = client_for(fca).get(reverse("login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
