"""Changing your own password (accounts/passwords.py): this session stays, every other one ends.

Sessions live in the database, or with REDIS_URL in Redis written through to the database
(cached_db); either way the other session is gone from the store after its next request.
"""

from importlib import import_module

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("password_change")
NEW = "a-long-new-passphrase-for-practice"
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def signed_in_client(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    return client


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def stored(key: str) -> bool:
    store = SessionStore(session_key=key)
    in_cache = hasattr(store, "cache_key") and cache.get(store.cache_key) is not None
    return in_cache or Session.objects.filter(session_key=key).exists()


def change(client, old=PASSWORD, new=NEW, again=None):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": again or new})


def test_it_shows_the_page_to_someone_with_a_password(client_for, fca):
    response = client_for(fca).get(CHANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Change your password</h1>' in html
    assert 'id="old_password"' in html and 'autocomplete="current-password"' in html
    assert 'id="new_password1"' in html and 'autocomplete="new-password"' in html
    assert "Use at least 12 characters" in html


def test_a_change_keeps_this_session_and_ends_every_other(fca):
    here, elsewhere = signed_in_client(fca), signed_in_client(fca)
    old_here, old_elsewhere = session_key(here), session_key(elsewhere)
    assert stored(old_elsewhere)

    response = change(here)

    assert response.status_code == 302 and response["Location"] == reverse("account")
    fca.refresh_from_db()
    assert fca.check_password(NEW) and not fca.check_password(PASSWORD)
    # This session carries on, under a new key; the old key is worth nothing.
    assert (
        "Anywhere else you were signed in, you have been signed out." in here.get(reverse("account")).content.decode()
    )
    assert here.get(reverse("home")).status_code == 200
    assert session_key(here) != old_here and not stored(old_here)
    # The other one is signed out at its next request, and gone from the store.
    response = elsewhere.get(reverse("checklists:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not stored(old_elsewhere)
    # A copy of its cookie is worth nothing either.
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = old_elsewhere
    assert stolen.get(reverse("home")).status_code == 302


def test_the_new_password_signs_in_and_the_old_one_does_not(fca):
    change(signed_in_client(fca))
    client = Client()
    assert client.post(reverse("login"), {"username": "fca", "password": PASSWORD}).status_code == 200
    assert client.post(reverse("login"), {"username": "fca", "password": NEW}).status_code == 302


def test_a_wrong_current_password_changes_nothing_and_counts_towards_the_lockout(client_for, fca):
    client = client_for(fca)
    response = change(client, old="not-my-password")
    assert response.status_code == 400
    assert "Your current password is not right" in response.content.decode()
    fca.refresh_from_db()
    assert fca.check_password(PASSWORD)
    assert AccessAttempt.objects.get(username="fca").failures_since_start == 1


def test_once_locked_out_not_even_the_right_current_password_changes_it(client_for, fca):
    client = client_for(fca)
    for _ in range(4):
        assert change(client, old="guess").status_code == 400
    assert change(client, old="guess").status_code == 429

    response = change(client)

    assert response.status_code == 429
    fca.refresh_from_db()
    assert fca.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("short", None, "This password is too short. It must contain at least 12 characters."),
        ("password1234", None, "This password is too common."),
        ("1234567890123", None, "This password is entirely numeric."),
        (NEW, "something-else-entirely", "Enter the same new password in both boxes"),
        ("", None, "Enter a new password"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_explained_and_changes_nothing(client_for, fca, new, again, message):
    client = client_for(fca)
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": new, "new_password2": again or new})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    fca.refresh_from_db()
    assert fca.check_password(PASSWORD)
    assert client.get(reverse("home")).status_code == 200


def test_people_without_a_password_here_cannot_reach_it(client_for, fca):
    fca.set_unusable_password()
    fca.save()
    assert client_for(fca).get(CHANGE).status_code == 404


def test_staff_only_sign_in_leaves_an_fca_nothing_to_change(client_for, fca, editor, settings):
    settings.PASSWORD_SIGN_IN = "staff"
    assert client_for(fca).post(CHANGE, {"old_password": PASSWORD}).status_code == 404
    fca.refresh_from_db()
    assert fca.check_password(PASSWORD)
    assert client_for(editor).get(CHANGE).status_code == 200


def test_it_asks_anonymous_people_to_sign_in(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_keeps_the_second_factor_of_this_session(client, editor, settings):
    from .two_factor_support import code_for, set_up_app

    settings.TWO_FACTOR_REQUIRED = True
    device = set_up_app(editor)
    client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    client.post(reverse("two_factor_verify"), {"code": code_for(device)})

    change(client)

    assert client.get(reverse("admin:index")).status_code == 200
    editor.refresh_from_db()
    assert editor.check_password(NEW)
