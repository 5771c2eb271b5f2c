"""Sign-out at both ends, and the session rules, for people signed in with a work account."""

import time

import pytest

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from tests.factories import UserFactory
from tests.oidc_provider.support import ProviderBrowser, query

from .conftest import sign_in_with_work_account, start
from .test_sign_in import assert_no_session, signed_in_user_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def casey(db):
    return UserFactory(username="cjones", email="casey.jones@example.org")


def test_sign_out_ends_the_session_here_and_then_at_the_provider(client, oidc, casey):
    at_provider = ProviderBrowser(oidc, "casey")
    client.get(at_provider.authorize(start(client)))
    id_token = client.session["sso_id_token"]

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert_no_session(client)
    end_session = response["Location"]
    assert end_session.startswith(f"{oidc.issuer}/logout/?")
    assert query(end_session) == {
        "id_token_hint": id_token,
        "client_id": oidc.client_id,
        "post_logout_redirect_uri": "http://testserver/sso/signed-out/",
    }

    # The provider signs the person out and sends the browser back.
    back = at_provider.get(end_session)
    assert back.status_code == 302
    assert back.headers["Location"] == "http://testserver/sso/signed-out/"
    page = client.get("/sso/signed-out/")
    assert page.status_code == 200
    assert "You have signed out" in page.content.decode()
    # Signed out there too: a new sign-in asks for the provider's password again.
    again = at_provider.get(start(client))
    assert again.status_code == 302
    assert "/login/" in again.headers["Location"]


def test_sign_out_of_a_password_session_stays_in_practice_hub(client, oidc, casey):
    client.force_login(casey)
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "You have signed out" in response.content.decode()
    assert_no_session(client)


def test_sign_out_is_a_post(client, oidc, casey):
    sign_in_with_work_account(client, oidc, "casey")
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_user_id(client) == str(casey.pk)


def _age(client, *, idle=0, since_sign_in=0):
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = now - idle
    session[SIGNED_IN_AT] = now - since_sign_in
    session.save()


def test_a_work_account_session_ends_after_inactivity(client, oidc, casey, settings):
    sign_in_with_work_account(client, oidc, "casey")
    assert client.get("/").status_code == 200
    _age(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get("/checklists/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert signed_in_user_id(client) is None


def test_a_work_account_session_ends_after_the_absolute_lifetime(client, oidc, casey, settings):
    sign_in_with_work_account(client, oidc, "casey")
    client.get("/")
    _age(client, idle=5, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME + 1)
    response = client.get("/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_a_work_account_session_counts_its_lifetime_from_sign_in(client, oidc, casey, settings):
    before = time.time()
    sign_in_with_work_account(client, oidc, "casey")
    response = client.get("/")
    assert before <= client.session[SIGNED_IN_AT] <= time.time()
    assert int(response["X-Session-Expires-In"]) <= settings.SESSION_IDLE_TIMEOUT
