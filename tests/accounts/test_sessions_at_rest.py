"""Signing out deletes the session where it is stored: the django_session table and, with cached_db
sessions (CI's Redis run), the cache too. A copied session cookie is then worth nothing.
"""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def sign_in(client, user) -> str:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def cached(session_key: str) -> bool:
    store = SessionStore(session_key=session_key)
    return hasattr(store, "cache_key") and cache.get(store.cache_key) is not None


def sessions_of(user) -> list[str]:
    return [
        session.session_key
        for session in Session.objects.all()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def test_it_deletes_the_session_from_the_store_on_sign_out(client, fca):
    key = sign_in(client, fca)
    assert client.get(reverse("checklists:list")).status_code == 200
    assert Session.objects.filter(session_key=key).exists()
    assert cached(key) == settings.SESSION_ENGINE.endswith("cached_db")

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert not Session.objects.filter(session_key=key).exists()
    assert not cached(key)
    assert sessions_of(fca) == []


def test_it_refuses_the_old_session_cookie_after_sign_out(client, fca):
    key = sign_in(client, fca)
    client.post(reverse("logout"))

    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = key
    response = stolen.get(reverse("checklists:list"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Session.objects.filter(session_key=key).exists()
    assert sessions_of(fca) == []


def test_it_keeps_the_persons_other_sessions_when_one_signs_out(client, fca):
    other_device = Client()
    kept = sign_in(other_device, fca)
    gone = sign_in(client, fca)

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=gone).exists() and not cached(gone)
    assert sessions_of(fca) == [kept]
    assert other_device.get(reverse("checklists:list")).status_code == 200
