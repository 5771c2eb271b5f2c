import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "accounts.backends.RoleAwareModelBackend"


def _tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_it_loads_an_fcas_roles_with_the_user(client, fca):
    _sign_in(client, "fca")
    statements = _tables_read(client, reverse("checklists:list"))
    # Navigation and authorisation needed both role flags, and neither cost a query of its own:
    # they come inside the one query that loads the user.
    user_queries = [sql for sql in statements if "_is_supervisor" in sql]
    assert len(user_queries) == 1
    assert "_is_supervisor" in user_queries[0] and "_is_editor" in user_queries[0]
    others = [sql for sql in statements if sql not in user_queries]
    assert not any('"accounts_membership"' in sql or '"auth_group"' in sql for sql in others)


def test_it_still_knows_a_supervisor(client, supervisor):
    _sign_in(client, "supervisor")
    html = client.get(reverse("home")).content.decode()
    assert reverse("supervision:queue") in html


def test_it_still_knows_an_editor(client, editor):
    _sign_in(client, "editor")
    html = client.get(reverse("home")).content.decode()
    assert reverse("admin:index") in html


def test_it_refuses_an_inactive_user_on_the_next_request(client, fca):
    _sign_in(client, "fca")
    fca.is_active = False
    fca.save()
    response = client.get(reverse("checklists:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
