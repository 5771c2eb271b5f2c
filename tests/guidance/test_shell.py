"""Kept page shells (guidance/shell.py): each request gets its own nonce and CSRF token, each person
their own name and navigation, and messages are still shown once.

The test settings keep no shells; the `page_caching` fixture keeps them, as in production.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from checklists.models import Checklist
from guidance.models import Theme
from tests.factories import ChecklistFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LIST = reverse("checklists:list")
SEARCH = reverse("guidance:search")
NONCE = re.compile(r'<script nonce="([^"]+)">')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def theme_url(loaded):
    return Theme.objects.order_by("number").first().get_absolute_url()


def signed_in(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    return browser


def without_request_values(html: str) -> str:
    return TOKEN.sub("", NONCE.sub("", html))


def test_a_kept_shell_has_this_requests_nonce_and_a_csrf_token_that_signs_out(page_caching, fca, theme_url):
    # Two browsers of one person: two sessions, each with its own CSRF secret, and one kept shell.
    first_browser, second_browser = signed_in(fca), signed_in(fca)
    first, second = first_browser.get(theme_url), second_browser.get(theme_url)
    nonces = [NONCE.search(response.content.decode()).group(1) for response in (first, second)]
    assert nonces[0] != nonces[1]
    for response, nonce in zip((first, second), nonces, strict=True):
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
    assert "<!--shell:" not in second.content.decode()
    assert without_request_values(first.content.decode()) == without_request_values(second.content.decode())

    token = TOKEN.search(second.content.decode()).group(1)
    assert Session.objects.count() == 2
    response = second_browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == 200  # the signed-out page; a refused token would be a 403
    assert list(Session.objects.values_list("session_key", flat=True)) == [first_browser.session.session_key]


def test_each_person_gets_their_own_name_and_navigation(page_caching, fca, supervisor, theme_url):
    pages = {user.username: signed_in(user).get(theme_url).content.decode() for user in (fca, supervisor, fca)}
    assert f'Sign out<span class="govuk-visually-hidden"> ({fca.username})' in pages[fca.username]
    assert supervisor.username not in pages[fca.username]
    assert "Supervision" not in pages[fca.username]
    assert f"({supervisor.username})" in pages[supervisor.username]
    assert "Supervision" in pages[supervisor.username]


def test_a_new_role_shows_in_the_navigation_at_once(page_caching, fca, north):
    browser = signed_in(fca)
    assert 'href="/supervision/"' not in browser.get(HOME).content.decode()
    Membership.objects.filter(user=fca).update(role=Membership.Role.SUPERVISOR)
    assert 'href="/supervision/"' in browser.get(HOME).content.decode()
    assert fca.memberships.get().role == Membership.Role.SUPERVISOR


def test_a_message_is_shown_once_then_the_kept_shell_serves_the_page(page_caching, fca):
    draft = ChecklistFactory(author=fca, case_reference="ZE21P00456")
    browser = signed_in(fca)
    browser.get(LIST)  # its shell is kept
    token = TOKEN.search(browser.get(reverse("checklists:delete", kwargs={"pk": draft.pk})).content.decode()).group(1)
    response = browser.post(reverse("checklists:delete", kwargs={"pk": draft.pk}), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    message = "The draft checklist for ZE21P00456 has been deleted."
    assert message in browser.get(LIST).content.decode()
    assert message not in browser.get(LIST).content.decode()
    assert not Checklist.objects.filter(pk=draft.pk).exists()


def test_the_header_search_box_shows_each_searchs_own_words(page_caching, fca, loaded):
    browser = signed_in(fca)
    for words in ("parents", "neglect", "parents"):
        html = browser.get(SEARCH, {"q": words}).content.decode()
        assert re.search(r'id="header-search" name="q" type="search" value="([^"]*)"', html).group(1) == words
