"""Access taken away while the person has a request in flight ends on their very next request.

Each test signs in over real HTTP to pytest-django's live server, sends a write that race_urls.py
holds at a gate once it is signed in and has read its permissions, takes the access away while it
waits, then lets it finish. The write already under way may finish either way (it began with the
access); the next one must be refused, and the database must show that it changed nothing.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth.hashers import make_password

from accounts.models import Membership, User
from checklists.models import Answer, Checklist, Comment, Event
from guidance.models import KnowledgeBite, PracticePoint
from tests.accounts import race_urls
from tests.factories import PASSWORD, KnowledgeBiteFactory, ThemeFactory
from tests.supervision.support import build_template, make_checklist, snapshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls("tests.accounts.race_urls")]

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HX = {"HX-Request": "true"}


class Browser:
    """One person's HTTP requests, with their own cookies."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base_url + path, allow_redirects=False, timeout=30)

    def post(self, path: str, data: dict, token: str, headers=None) -> requests.Response:
        data = {**data, "csrfmiddlewaretoken": token}
        return self.http.post(self.base_url + path, data=data, headers=headers, allow_redirects=False, timeout=30)

    def token(self, path: str) -> str:
        """The CSRF token of the form on the page at `path`."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return CSRF_FIELD.search(page.text).group(1)

    def sign_in(self, username: str) -> "Browser":
        response = self.post(
            "/accounts/login/", {"username": username, "password": PASSWORD}, self.token("/accounts/login/")
        )
        assert response.status_code == 302 and not response.headers["Location"].startswith("/accounts/login/")
        return self


@pytest.fixture
def browser(live_server):
    def sign_in(user) -> Browser:
        return Browser(live_server.url).sign_in(user.username)

    return sign_in


@pytest.fixture
def in_flight():
    """POST through the gate, make `change` while that request waits there, then let it finish."""
    race_urls.gate = gate = race_urls.Gate()

    def run(browser: Browser, path: str, data: dict, token: str, change, headers=None) -> requests.Response:
        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(browser.post, f"/held{path}", data, token, headers)
            try:
                assert gate.entered.wait(timeout=10), "the request never reached the gate"
                change()
            finally:
                gate.opened.set()
            response = future.result(timeout=30)
        assert response.status_code < 500, response.text[:500]
        return response

    return run


def signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/accounts/login/")


# --- the changes -----------------------------------------------------------------------------------


def deactivate(user):
    User.objects.filter(pk=user.pk).update(is_active=False)


def change_password(user):
    User.objects.filter(pk=user.pk).update(password=make_password("a-brand-new-password-42"))


def remove_from_teams(user):
    Membership.objects.filter(user=user).delete()


def demote(user):
    Membership.objects.filter(user=user).update(role=Membership.Role.PRACTITIONER)


def take_out_of_editors(user):
    User.groups.through.objects.filter(user=user).delete()


# --- a practitioner saving an answer ---------------------------------------------------------------


@pytest.mark.parametrize("change", [deactivate, change_password], ids=["deactivated", "password-changed"])
def test_it_refuses_the_next_autosave_of_a_practitioner_whose_access_ends_mid_save(browser, in_flight, fca, change):
    template = build_template()
    checklist = make_checklist(fca, template, status=Checklist.Status.DRAFT, answers={})
    question = template.questions.get(key="what-happened")
    fca_browser = browser(fca)
    step_url = checklist.get_step_url(1)
    token = fca_browser.token(step_url)
    autosave = f"/checklists/{checklist.pk}/answers/"

    def save(value, revision):
        return {"question": question.pk, "q-what-happened": value, "revision-what-happened": revision}

    first = in_flight(fca_browser, autosave, save("Saved while in flight.", 0), token, lambda: change(fca), HX)
    assert first.status_code in (200, 401)

    refused = fca_browser.post(autosave, save("Saved after access ended.", 1), token, HX)

    assert refused.status_code == 401 and refused.headers["X-Session-Expired"] == "1"
    assert signed_out(fca_browser.get(step_url))
    values = list(Answer.objects.filter(checklist=checklist).values_list("value", flat=True))
    assert values in ([], ["Saved while in flight."])
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.DRAFT


# --- a supervisor commenting, returning, signing off ----------------------------------------------


NEXT_WRITES = {
    "comment": {"comment-body": "Written after access ended.", "comment-step": ""},
    "return": {"return-body": "Written after access ended.", "return-step": ""},
    "sign-off": {"signoff-body": "Written after access ended."},
    "discussed": {"discussed.day": "2", "discussed.month": "3", "discussed.year": "2026"},
}


@pytest.mark.parametrize(
    ("change", "action", "refusal"),
    [
        (remove_from_teams, "sign-off", 404),
        (demote, "return", 404),
        (deactivate, "comment", "signed out"),
        (change_password, "discussed", "signed out"),
    ],
    ids=["removed-from-team", "demoted", "deactivated", "password-changed"],
)
def test_it_refuses_the_next_review_write_of_a_supervisor_whose_access_ends_mid_comment(
    browser, in_flight, fca, supervisor, change, action, refusal
):
    checklist = make_checklist(fca, build_template())
    before = snapshot(checklist)
    supervisor_browser = browser(supervisor)
    review_url = f"/supervision/{checklist.pk}/"
    token = supervisor_browser.token(review_url)

    first = in_flight(
        supervisor_browser,
        f"{review_url}comment/",
        {"comment-body": "Written while in flight.", "comment-step": ""},
        token,
        lambda: change(supervisor),
    )
    assert first.status_code in (302, 403, 404) or signed_out(first)

    refused = supervisor_browser.post(f"{review_url}{action}/", NEXT_WRITES[action], token)

    review = supervisor_browser.get(review_url)
    if refusal == "signed out":
        assert signed_out(refused) and signed_out(review)
    else:
        assert refused.status_code == review.status_code == refusal
    checklist.refresh_from_db()
    assert (checklist.status, checklist.returned_at, checklist.signed_off_at, checklist.discussed_on) == (
        Checklist.Status.SUBMITTED,
        None,
        None,
        None,
    )
    comments = list(Comment.objects.filter(checklist=checklist).values_list("body", flat=True))
    assert comments in ([], ["Written while in flight."])
    later = [Event.Kind.RETURNED, Event.Kind.SIGNED_OFF, Event.Kind.DISCUSSED]
    assert not checklist.events.filter(kind__in=later).exists()
    assert snapshot(checklist)["answers"] == before["answers"]


# --- an editor curating guidance -------------------------------------------------------------------


def test_it_refuses_the_next_admin_write_of_an_editor_taken_out_of_the_group_mid_save(browser, in_flight, editor):
    bite = KnowledgeBiteFactory(slug="draft-bite", status=KnowledgeBite.Status.DRAFT)
    theme = ThemeFactory(knowledge_bite=bite)
    editor_browser = browser(editor)
    assert editor_browser.get(bite.get_absolute_url()).status_code == 200
    add_url = "/admin/guidance/practicepoint/add/"
    token = editor_browser.token(add_url)

    def point(title, key):
        return {"theme": theme.pk, "title": title, "key": key, "order": "1", "body": "Do this."}

    first = in_flight(
        editor_browser, add_url, point("Added while in flight", "in-flight"), token, lambda: take_out_of_editors(editor)
    )
    assert first.status_code in (302, 403)

    refused = editor_browser.post(add_url, point("Added after access ended", "after"), token)

    assert refused.status_code == 403
    assert editor_browser.get(bite.get_absolute_url()).status_code == 404
    assert not PracticePoint.objects.filter(title="Added after access ended").exists()
    assert set(PracticePoint.objects.values_list("title", flat=True)) <= {"Added while in flight"}
    assert not User.objects.get(pk=editor.pk).groups.exists()
