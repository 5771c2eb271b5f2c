"""The signed-in user is served from the cache, and every change that matters drops the copy."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from accounts.backends import fields_digest, user_cache_key
from accounts.models import CONTENT_EDITORS_GROUP, Membership, User
from tests.factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("user_cache")]


@pytest.fixture
def user_cache():
    cache.clear()
    with override_settings(AUTH_USER_CACHE_SECONDS=300):
        yield
    cache.clear()


def _sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _user_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [q["sql"] for q in queries.captured_queries if "_is_supervisor" in q["sql"]]


def test_the_second_request_reads_the_user_from_the_cache(client, fca):
    _sign_in(client, "fca")
    first, loads = _user_queries(client, reverse("checklists:list"))
    assert first.status_code == 200 and len(loads) == 1
    assert cache.get(user_cache_key(fca.pk)).username == "fca"
    second, loads = _user_queries(client, reverse("checklists:list"))
    assert second.status_code == 200 and loads == []
    assert second.wsgi_request.user.pk == fca.pk


def test_a_supervisors_teams_come_with_the_cached_user(client, supervisor, north):
    _sign_in(client, "supervisor")
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("supervision:queue"))
    assert response.status_code == 200
    # The teams they supervise came with the user, not from a query of their own.
    assert not any(q["sql"].startswith('SELECT "accounts_membership"."team_id"') for q in queries.captured_queries)
    assert cache.get(user_cache_key(supervisor.pk)).supervised_team_ids == [north.pk]


def test_deactivating_someone_signs_them_out_on_their_next_request(client, fca):
    _sign_in(client, "fca")
    assert client.get(reverse("checklists:list")).status_code == 200
    fca.is_active = False
    fca.save()
    assert cache.get(user_cache_key(fca.pk)) is None
    response = client.get(reverse("checklists:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_new_password_signs_out_other_sessions(client, fca):
    _sign_in(client, "fca")
    assert client.get(reverse("checklists:list")).status_code == 200
    fca.set_password("A-different-passphrase-2026")
    fca.save()
    response = client.get(reverse("checklists:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_losing_a_supervisor_membership_takes_effect_at_once(client, supervisor):
    _sign_in(client, "supervisor")
    assert client.get(reverse("supervision:queue")).status_code == 200
    Membership.objects.get(user=supervisor).delete()
    assert cache.get(user_cache_key(supervisor.pk)) is None
    response = client.get(reverse("supervision:queue"))
    assert response.status_code == 403
    assert reverse("supervision:queue") not in client.get(reverse("home")).content.decode()


def test_gaining_a_supervisor_membership_takes_effect_at_once(client, fca, south):
    _sign_in(client, "fca")
    assert client.get(reverse("supervision:queue")).status_code == 403
    MembershipFactory(user=fca, team=south, role=Membership.Role.SUPERVISOR)
    response = client.get(reverse("supervision:queue"))
    assert response.status_code == 200
    assert response.wsgi_request.user.supervised_team_ids == [south.pk]


def test_joining_and_leaving_the_editors_group_takes_effect_at_once(client, editor):
    _sign_in(client, "editor")
    assert client.get(reverse("home")).wsgi_request.user.is_content_editor is True
    group = Group.objects.get(name=CONTENT_EDITORS_GROUP)
    group.user_set.remove(editor)
    assert cache.get(user_cache_key(editor.pk)) is None
    assert client.get(reverse("home")).wsgi_request.user.is_content_editor is False
    editor.groups.add(group)
    assert client.get(reverse("home")).wsgi_request.user.is_content_editor is True
    group.user_set.clear()
    assert client.get(reverse("home")).wsgi_request.user.is_content_editor is False


def test_renaming_the_editors_group_takes_effect_at_once(client, editor):
    _sign_in(client, "editor")
    assert client.get(reverse("home")).wsgi_request.user.is_content_editor is True
    group = Group.objects.get(name=CONTENT_EDITORS_GROUP)
    group.name = "Former editors"
    group.save()
    assert client.get(reverse("home")).wsgi_request.user.is_content_editor is False


def test_a_deleted_user_is_signed_out(client, fca):
    _sign_in(client, "fca")
    assert client.get(reverse("checklists:list")).status_code == 200
    fca.delete()
    response = client.get(reverse("checklists:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@override_settings(AUTH_USER_CACHE_SECONDS=0)
def test_with_the_cache_off_every_request_reads_the_database(client, fca):
    _sign_in(client, "fca")
    for _ in range(2):
        response, loads = _user_queries(client, reverse("checklists:list"))
        assert response.status_code == 200 and len(loads) == 1
    assert cache.get(user_cache_key(fca.pk)) is None


def test_the_key_changes_when_the_users_columns_do(fca):
    fields = User._meta.concrete_fields
    assert user_cache_key(fca.pk).endswith(f":{fields_digest(fields)}:{fca.pk}")
    # A deploy that adds or removes a column reads none of the copies pickled before it.
    assert fields_digest(fields[:-1]) != fields_digest(fields)
