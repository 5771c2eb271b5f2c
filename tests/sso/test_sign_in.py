"""Sign-in with a work account, driven with the test client through the real test identity provider."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from accounts.models import Membership, User
from sso.models import Identity
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.oidc_provider.people import PEOPLE
from tests.oidc_provider.support import ProviderBrowser, point_at, query, with_query

from .conftest import sign_in_with_work_account, start

pytestmark = pytest.mark.django_db
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


@pytest.fixture
def casey(north):
    user = UserFactory(username="cjones", email="Casey.Jones@example.org")
    MembershipFactory(user=user, team=north, role=Membership.Role.PRACTITIONER)
    return user


def session_key(client) -> str:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else ""


def signed_in_user_id(client) -> str | None:
    key = session_key(client)
    return SessionStore(key).get(SESSION_KEY) if key else None


def assert_no_session(client) -> None:
    """Nobody is signed in, and the session that held the sign-in's state is gone."""
    assert signed_in_user_id(client) is None
    key = session_key(client)
    assert not key or not SessionStore().exists(key)
    assert client.get("/").status_code == 302


def test_it_asks_the_provider_with_pkce_state_and_nonce(client, oidc):
    url = start(client)
    params = query(url)
    assert url.startswith(f"{oidc.issuer}/authorize/")
    assert params["response_type"] == "code"
    assert params["client_id"] == oidc.client_id
    assert params["scope"] == "openid email profile"
    assert params["redirect_uri"] == "http://testserver/sso/callback/"
    assert params["code_challenge_method"] == "S256"
    stored = client.session["oidc_states"][params["state"]]
    assert stored["nonce"] == params["nonce"]
    assert len(stored["code_verifier"]) >= 43
    assert params["code_challenge"] != stored["code_verifier"]


def test_first_sign_in_links_by_verified_email_and_the_next_matches_by_subject(client, oidc, casey):
    response = sign_in_with_work_account(client, oidc, "casey")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(casey.pk)
    identity = Identity.objects.get(user=casey)
    assert (identity.issuer, identity.subject) == (oidc.issuer, PEOPLE["casey"]["sub"])
    assert identity.last_sign_in_at is not None

    client.post("/accounts/logout/")
    # The email no longer matches: the second sign-in finds Casey by subject alone.
    User.objects.filter(pk=casey.pk).update(email="someone.else@example.org")
    response = sign_in_with_work_account(client, oidc, "casey")
    assert signed_in_user_id(client) == str(casey.pk)
    assert Identity.objects.count() == 1
    assert User.objects.count() == 1
    assert client.get("/").status_code == 200


def test_it_asks_userinfo_for_an_email_the_id_token_leaves_out(client, oidc, north):
    quinn = UserFactory(username="quinn", email="quinn.userinfo@example.org")
    MembershipFactory(user=quinn, team=north)
    response = sign_in_with_work_account(client, oidc, "quinn")
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == str(quinn.pk)
    assert Identity.objects.get(user=quinn).subject == PEOPLE["quinn"]["sub"]


def test_it_returns_to_the_page_the_person_asked_for(client, oidc, casey):
    response = sign_in_with_work_account(client, oidc, "casey", next_url="/guidance/")
    assert response["Location"] == "/guidance/"


def test_it_never_goes_to_another_site_after_sign_in(client, oidc, casey):
    response = sign_in_with_work_account(client, oidc, "casey", next_url="https://elsewhere.example/")
    assert response["Location"] == "/"


def test_it_matches_entra_ids_object_id_rather_than_sub(client, oidc, north):
    morgan = UserFactory(username="mfields", email="morgan.fields@example.org")
    sign_in_with_work_account(client, oidc, "morgan")
    assert signed_in_user_id(client) == str(morgan.pk)
    assert Identity.objects.get(user=morgan).subject == PEOPLE["morgan"]["oid"]


def test_it_refuses_an_unknown_person_by_default(client, oidc, casey):
    response = sign_in_with_work_account(client, oidc, "robin")
    assert response.status_code == 403
    assert "You do not have a Practice Hub account" in response.content.decode()
    assert_no_session(client)
    assert not User.objects.filter(email="robin.new@example.org").exists()
    assert not Identity.objects.exists()


def test_it_can_create_an_unknown_person_with_no_team(client, oidc, settings):
    settings.OIDC_UNKNOWN_USERS = "create"
    response = sign_in_with_work_account(client, oidc, "robin", next_url="/checklists/")
    assert response["Location"] == "/sso/no-team/"
    robin = User.objects.get(email="robin.new@example.org")
    assert (robin.username, robin.first_name, robin.last_name) == ("robin.new@example.org", "Robin", "Newman")
    assert not robin.has_usable_password()
    assert not robin.memberships.exists() and not robin.is_staff
    assert Identity.objects.get(user=robin).subject == PEOPLE["robin"]["sub"]
    page = client.get("/sso/no-team/")
    assert "Ask your practice supervisor or an administrator to add you to a team" in page.content.decode()

    client.post("/accounts/logout/")
    sign_in_with_work_account(client, oidc, "robin")
    assert User.objects.filter(email="robin.new@example.org").count() == 1


def test_it_does_not_link_an_email_the_provider_does_not_vouch_for(client, oidc):
    UserFactory(username="sam", email="sam.unverified@example.org")
    response = sign_in_with_work_account(client, oidc, "sam")
    assert response.status_code == 403
    assert_no_session(client)
    assert not Identity.objects.exists()


def test_it_never_links_a_staff_account_by_email(client, oidc):
    UserFactory(username="cjones", email="casey.jones@example.org", is_staff=True)
    response = sign_in_with_work_account(client, oidc, "casey")
    assert response.status_code == 403
    assert "An administrator needs to link your account" in response.content.decode()
    assert_no_session(client)
    assert not Identity.objects.exists()


def test_a_staff_account_that_an_administrator_linked_signs_in(client, oidc):
    admin = UserFactory(username="cjones", email="", is_staff=True, is_superuser=True)
    Identity.objects.create(user=admin, issuer=oidc.issuer, subject=PEOPLE["casey"]["sub"])
    sign_in_with_work_account(client, oidc, "casey")
    assert signed_in_user_id(client) == str(admin.pk)


def test_it_refuses_a_deactivated_user_though_the_provider_says_yes(client, oidc, casey):
    sign_in_with_work_account(client, oidc, "casey")
    client.post("/accounts/logout/")
    User.objects.filter(pk=casey.pk).update(is_active=False)
    response = sign_in_with_work_account(client, oidc, "casey")
    assert response.status_code == 403
    assert "Your Practice Hub account is not active" in response.content.decode()
    assert_no_session(client)


def test_it_refuses_a_deactivated_user_on_first_sign_in_without_linking(client, oidc, casey):
    User.objects.filter(pk=casey.pk).update(is_active=False)
    response = sign_in_with_work_account(client, oidc, "casey")
    assert response.status_code == 403
    assert not Identity.objects.exists()


def test_deactivation_signs_a_work_account_session_out_on_its_next_request(client, oidc, casey):
    sign_in_with_work_account(client, oidc, "casey")
    assert client.get("/").status_code == 200
    User.objects.filter(pk=casey.pk).update(is_active=False)
    assert client.get("/").status_code == 302


def test_it_refuses_a_tampered_state(client, oidc, casey):
    callback = ProviderBrowser(oidc, "casey").authorize(start(client))
    response = client.get(with_query(callback, state="forged-state-value"))
    assert response.status_code == 400
    assert "Sign-in could not be completed" in response.content.decode()
    assert_no_session(client)
    assert not Identity.objects.exists()


def test_it_refuses_a_callback_with_no_sign_in_started(client, oidc, casey):
    callback = ProviderBrowser(oidc, "casey").authorize(start(client))
    client.cookies.clear()
    response = client.get(callback)
    assert response.status_code == 400
    assert_no_session(client)


def test_it_refuses_a_replayed_callback(client, oidc, casey):
    callback = ProviderBrowser(oidc, "casey").authorize(start(client))
    client.get(callback)
    assert signed_in_user_id(client) == str(casey.pk)
    client.post("/accounts/logout/")
    response = client.get(callback)
    assert response.status_code == 400
    assert_no_session(client)


@pytest.mark.parametrize("which", ["wrong", "replayed"])
def test_it_refuses_an_id_token_with_a_wrong_or_replayed_nonce(client, oidc, casey, which):
    at_provider = ProviderBrowser(oidc, "casey")
    first = start(client)
    if which == "replayed":
        # A nonce that this browser used for an earlier sign-in.
        client.get(at_provider.authorize(first))
        client.post("/accounts/logout/")
        nonce = query(first)["nonce"]
    else:
        nonce = "a-nonce-this-browser-never-sent"
    request = start(client)
    # The provider is asked with this browser's state but another nonce, and puts that in the ID token.
    callback = at_provider.authorize(with_query(request, nonce=nonce))
    response = client.get(callback)
    assert response.status_code == 400
    assert "Your sign-in could not be checked" in response.content.decode()
    assert_no_session(client)


def test_it_refuses_a_code_bound_to_another_pkce_challenge(client, oidc, casey):
    # An attacker's code: asked for with this browser's state and nonce, but the attacker's challenge.
    request = with_query(start(client), code_challenge="attacker-challenge-" + "x" * 30)
    callback = ProviderBrowser(oidc, "casey").authorize(request)
    response = client.get(callback)
    assert response.status_code == 400
    assert "Your sign-in could not be checked" in response.content.decode()
    assert_no_session(client)


def test_it_refuses_an_expired_id_token(client, oidc):
    UserFactory(username="ellis", email="ellis.expired@example.org")
    response = sign_in_with_work_account(client, oidc, "ellis")
    assert response.status_code == 400
    assert "Your sign-in could not be checked" in response.content.decode()
    assert_no_session(client)
    assert not Identity.objects.exists()


def test_it_says_so_when_the_person_cancels_at_the_provider(client, oidc):
    state = query(start(client))["state"]
    response = client.get("/sso/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 400
    assert "You have not been signed in" in response.content.decode()
    assert_no_session(client)


def test_a_provider_that_does_not_answer_gets_a_clear_page_and_passwords_still_work(client, settings, provider):
    point_at(settings, provider, issuer="http://127.0.0.1:9/o")
    response = client.get("/sso/sign-in/")
    assert response.status_code == 503
    assert "The sign-in service is not available" in response.content.decode()
    assert "sign in with your password" in response.content.decode()
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    response = client.post("/accounts/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(admin.pk)


def test_it_refuses_a_discovery_document_for_another_issuer(client, settings, provider):
    point_at(settings, provider, issuer=f"{provider.issuer}/")
    response = client.get("/sso/sign-in/")
    assert response.status_code == 503
    assert "oidc_states" not in client.session
