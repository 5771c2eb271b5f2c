"""Anonymous people are sent to sign in; each role reaches what DESIGN.md grants."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = ["home", "guidance:home", "casestudies:list", "checklists:list"]


@pytest.mark.parametrize("name", SIGNED_IN_PAGES + ["supervision:queue"])
def test_anonymous_people_are_sent_to_sign_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
@pytest.mark.parametrize("persona", ["fca", "supervisor", "editor", "superuser"])
def test_every_role_reaches_the_shared_pages(client_for, request, persona, name):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(reverse(name)).status_code == 200


def test_only_supervisors_have_a_queue(client_for, fca, supervisor, editor):
    assert client_for(fca).get(reverse("supervision:queue")).status_code == 403
    assert client_for(editor).get(reverse("supervision:queue")).status_code == 403
    assert client_for(supervisor).get(reverse("supervision:queue")).status_code == 200


def _nav_links(client):
    html = client.get(reverse("home")).content.decode()
    return set(re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html))


def test_navigation_fits_the_role(client_for, fca, supervisor, practice_lead, editor):
    # Everyone here signs in with a password, so each has "Your account".
    shared = {reverse(name) for name in SIGNED_IN_PAGES} | {reverse("account")}
    assert _nav_links(client_for(fca)) == shared
    assert _nav_links(client_for(supervisor)) == shared | {reverse("supervision:queue"), reverse("insight:home")}
    assert _nav_links(client_for(practice_lead)) == shared | {reverse("insight:home")}
    assert _nav_links(client_for(editor)) == shared | {reverse("admin:index")}


def test_admin_is_for_staff_only(client_for, fca, editor):
    response = client_for(fca).get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert client_for(editor).get(reverse("admin:index")).status_code == 200


def test_the_health_checks_need_no_sign_in(client):
    assert client.get("/healthz/live").status_code == 200
    assert client.get("/healthz/ready").status_code == 200
