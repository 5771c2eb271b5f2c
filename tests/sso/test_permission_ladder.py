"""Who reaches each work-account page: anonymous, a person with no team, and people with roles."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anyone_may_start_a_sign_in(client_for, oidc, fca):
    for user in (None, fca):
        response = client_for(user).get(reverse("sso:start"))
        assert response.status_code == 302
        assert response["Location"].startswith(f"{oidc.issuer}/authorize/")


def test_the_callback_refuses_anyone_without_a_sign_in_in_progress(client_for, oidc, fca):
    for user in (None, fca):
        client = client_for(user)
        assert client.get(reverse("sso:callback"), {"code": "x", "state": "y"}).status_code == 400
        assert client.get(reverse("home")).status_code == 302


def test_anyone_may_see_the_signed_out_page(client, oidc):
    assert client.get(reverse("sso:signed_out")).status_code == 200


def test_the_no_team_page_is_for_people_with_no_role(client_for, oidc, fca, supervisor, editor, superuser):
    url = reverse("sso:no_team")
    assert client_for(None).get(url)["Location"] == f"{reverse('login')}?next={url}"
    assert client_for(UserFactory(username="newcomer")).get(url).status_code == 200
    for user in (fca, supervisor, editor, superuser):
        assert client_for(user).get(url)["Location"] == reverse("home")
