import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT

pytestmark = pytest.mark.django_db


def _age_session(client, *, idle=0, since_sign_in=0):
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = now - idle
    session[SIGNED_IN_AT] = now - since_sign_in
    session.save()


def test_an_active_session_carries_on(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 60, since_sign_in=3600)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(fca.pk)


def test_it_signs_out_after_inactivity(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("checklists:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session


def test_it_signs_out_after_the_absolute_lifetime_even_when_active(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=5, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_background_request_after_expiry_gets_401_not_a_login_page(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.post(reverse("keep_alive"), headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["X-Session-Expired"] == "1"
    assert "_auth_user_id" not in client.session


def test_keep_alive_restarts_the_inactivity_clock(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 30)
    before = client.session[LAST_ACTIVITY]
    response = client.post(reverse("keep_alive"))
    assert response.status_code == 200
    assert response.json()["expires_in"] == settings.SESSION_IDLE_TIMEOUT
    assert client.session[LAST_ACTIVITY] > before + settings.SESSION_IDLE_TIMEOUT - 60


def test_keep_alive_rejects_get(client_for, fca):
    assert client_for(fca).get(reverse("keep_alive")).status_code == 405


def test_pages_carry_the_timeout_settings_for_the_warning(client_for, fca, settings):
    response = client_for(fca).get(reverse("home"))
    assert f'data-session-idle="{settings.SESSION_IDLE_TIMEOUT}"'.encode() in response.content
    assert b'id="timeout-dialog"' in response.content
