"""The autosave endpoint: one answer at a time, in the background, never overwriting newer text."""

import re
import time

import pytest

from accounts.middleware import LAST_ACTIVITY
from checklists.models import Checklist
from tests.factories import ChecklistFactory, ChecklistTemplateFactory, QuestionFactory

from .walkthrough_support import answer, autosave_url, questions, save, start

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def checklist(client_for, fca, walkthrough_template):
    return start(client_for(fca), walkthrough_template)


def post(client, checklist, key, value, revision=0, **extra):
    question = questions(checklist.template)[key]
    data = {"question": str(question.pk), f"q-{key}": value, f"revision-{key}": str(revision), **extra}
    return client.post(autosave_url(checklist), data, headers=HX)


def test_it_saves_the_answer_and_reports_the_time_and_new_revision(client_for, fca, checklist):
    client = client_for(fca)
    response = post(client, checklist, "what-happened", "Shouting was heard.")
    assert response.status_code == 200
    content = response.content.decode()
    # The time as GOV.UK writes it: "9:28pm", "9am", "midday" or "midnight".
    assert re.search(r"Saved at <time datetime=\"[^\"]+\">(\d{1,2}(:\d\d)?[ap]m|midday|midnight)</time>", content)
    # The fragment never contains the input itself, only its status and the new revision (out of band).
    assert "<textarea" not in content
    assert '<input type="hidden" id="revision-what-happened" name="revision-what-happened" value="1"' in content
    assert 'hx-swap-oob="true"' in content
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Shouting was heard.", 1)

    response = post(client, checklist, "what-happened", "Shouting was heard twice.", revision=1)
    assert response.status_code == 200
    stored.refresh_from_db()
    assert (stored.value, stored.revision) == ("Shouting was heard twice.", 2)
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.DRAFT


def test_it_accepts_value_and_revision_by_their_plain_names(client_for, fca, checklist):
    question = questions(checklist.template)["what-happened"]
    response = client_for(fca).post(
        autosave_url(checklist), {"question": question.pk, "value": "Plain names", "revision": 0}, headers=HX
    )
    assert response.status_code == 200
    assert answer(checklist, "what-happened").value == "Plain names"


def test_it_saves_choices_and_dates_from_the_form_fields(client_for, fca, checklist):
    client = client_for(fca)
    question = questions(checklist.template)["risk-factors"]
    data = {
        "question": question.pk,
        "q-risk-factors": ["substance-misuse", "domestic-abuse"],
        "revision-risk-factors": 0,
    }
    assert client.post(autosave_url(checklist), data, headers=HX).status_code == 200
    assert answer(checklist, "risk-factors").value == "domestic-abuse\nsubstance-misuse"
    question = questions(checklist.template)["when"]
    data = {"question": question.pk, "q-when.day": "7", "q-when.month": "11", "q-when.year": "2025", "revision-when": 0}
    assert client.post(autosave_url(checklist), data, headers=HX).status_code == 200
    assert answer(checklist, "when").value == "2025-11-07"
    # Unticking every box clears the answer.
    question = questions(checklist.template)["risk-factors"]
    data = {"question": question.pk, "revision-risk-factors": 1}
    assert client.post(autosave_url(checklist), data, headers=HX).status_code == 200
    assert answer(checklist, "risk-factors").value == ""


def test_a_stale_revision_is_refused_with_both_versions_and_nothing_overwritten(client_for, fca, checklist):
    save(checklist, "what-happened", "Newer text from the other tab", revision=3)
    response = post(client_for(fca), checklist, "what-happened", "My text from this tab", revision=2)
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed in another tab or window" in content
    assert 'class="app-conflict"' in content
    assert "My text from this tab" in content and "Newer text from the other tab" in content
    assert "Keep my version" in content and "Use the saved version" in content
    assert 'hx-vals=\'{"revision": "3"}\'' in content  # keeping mine re-saves on top of the newer revision
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Newer text from the other tab", 3)


def test_keep_my_version_saves_on_top_of_the_newer_revision(client_for, fca, checklist):
    save(checklist, "what-happened", "Newer text", revision=3)
    question = questions(checklist.template)["what-happened"]
    response = client_for(fca).post(
        autosave_url(checklist),
        {"question": question.pk, "q-what-happened": "Mine", "revision-what-happened": 2, "revision": 3},
        headers=HX,
    )
    assert response.status_code == 200
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Mine", 4)


def test_a_stale_save_of_the_same_text_is_not_a_conflict(client_for, fca, checklist):
    save(checklist, "what-happened", "Same words", revision=5)
    response = post(client_for(fca), checklist, "what-happened", "Same words", revision=4)
    assert response.status_code == 200
    assert 'value="5"' in response.content.decode()
    assert answer(checklist, "what-happened").revision == 5


def test_a_question_from_another_template_is_refused(client_for, fca, checklist):
    other = QuestionFactory(step__template=ChecklistTemplateFactory(), key="what-happened")
    response = client_for(fca).post(
        autosave_url(checklist),
        {"question": other.pk, "q-what-happened": "Text", "revision-what-happened": 0},
        headers=HX,
    )
    assert response.status_code == 400
    assert b"not part of this checklist" in response.content
    assert not checklist.answers.exists()


@pytest.mark.parametrize("question_id", ["999999", "abc", "", "-1", "1.5"])
def test_an_unknown_question_is_refused(client_for, fca, checklist, question_id):
    response = client_for(fca).post(
        autosave_url(checklist), {"question": question_id, "value": "Text", "revision": 0}, headers=HX
    )
    assert response.status_code == 400
    assert not checklist.answers.exists()


def test_an_oversized_answer_is_refused_with_the_limit(client_for, fca, checklist):
    save(checklist, "what-happened", "What was there before", revision=1)
    response = post(client_for(fca), checklist, "what-happened", "x" * 2001, revision=1)
    assert response.status_code == 400
    assert b"Not saved: Your answer is 2,001 characters. It must be 2,000 characters or fewer." in response.content
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("What was there before", 1)


@pytest.mark.parametrize(
    ("key", "fields", "message"),
    [
        ("when", {"q-when.day": "31", "q-when.month": "2", "q-when.year": "2026"}, b"The date must be a real date"),
        ("when", {"q-when.day": "x", "q-when.month": "2", "q-when.year": "2026"}, b"The date must be a real date"),
        ("when", {"q-when.day": "1", "q-when.year": "2026"}, b"must include a month"),
        ("when", {"value": "2026-13-01"}, b"The date must be a real date"),
        ("safe-now", {"q-safe-now": "maybe"}, b"Choose yes, no or not sure"),
        ("threshold", {"q-threshold": "s99"}, b"Choose one of the options given"),
        ("risk-factors", {"q-risk-factors": ["domestic-abuse", "burglary"]}, b"Choose from the options given"),
        ("what-happened", {"q-what-happened": "A\x00B"}, b"Not saved: Your answer contains a character that cannot"),
        ("summary", {"value": "x" * 201}, b"Your answer is 201 characters. It must be 200 characters or fewer."),
    ],
)
def test_a_malformed_value_is_refused(client_for, fca, checklist, key, fields, message):
    question = questions(checklist.template)[key]
    response = client_for(fca).post(
        autosave_url(checklist), {"question": question.pk, f"revision-{key}": 0, **fields}, headers=HX
    )
    assert response.status_code == 400
    assert message in response.content
    assert answer(checklist, key) is None


@pytest.mark.parametrize("revision", ["", "abc", "-3"])
def test_a_malformed_revision_is_refused(client_for, fca, checklist, revision):
    response = post(client_for(fca), checklist, "what-happened", "Text", revision=revision)
    assert response.status_code == 400
    assert answer(checklist, "what-happened") is None


def test_another_users_checklist_is_404(client_for, other_fca, stranger_fca, checklist):
    for user in (other_fca, stranger_fca):
        response = post(client_for(user), checklist, "what-happened", "Not mine")
        assert response.status_code == 404
    assert answer(checklist, "what-happened") is None


def test_a_supervisor_cannot_change_answers(client_for, fca, supervisor, walkthrough_template):
    checklist = ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    response = post(client_for(supervisor), checklist, "what-happened", "Supervisor's words")
    assert response.status_code == 403
    assert answer(checklist, "what-happened") is None


@pytest.mark.parametrize("status", [Checklist.Status.SUBMITTED, Checklist.Status.SIGNED_OFF])
def test_a_submitted_or_signed_off_checklist_is_locked(client_for, fca, walkthrough_template, status):
    checklist = ChecklistFactory(author=fca, template=walkthrough_template, status=status)
    save(checklist, "what-happened", "As submitted", revision=1)
    response = post(client_for(fca), checklist, "what-happened", "A late change", revision=1)
    assert response.status_code == 423
    assert b"can no longer be changed" in response.content
    assert answer(checklist, "what-happened").value == "As submitted"


def test_a_returned_checklist_can_be_changed_again(client_for, fca, walkthrough_template):
    checklist = ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.RETURNED)
    save(checklist, "what-happened", "As submitted", revision=1)
    assert post(client_for(fca), checklist, "what-happened", "Reflected further", revision=1).status_code == 200
    assert answer(checklist, "what-happened").value == "Reflected further"


def test_an_anonymous_save_gets_401(client_for, fca, checklist):
    response = post(client_for(None), checklist, "what-happened", "Typed while signed out")
    assert response.status_code == 401
    assert response["X-Session-Expired"] == "1"
    assert answer(checklist, "what-happened") is None


def test_an_expired_session_gets_401_and_the_save_succeeds_after_signing_in_again(client_for, fca, checklist, settings):
    client = client_for(fca)
    session = client.session
    session[LAST_ACTIVITY] = time.time() - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = post(client, checklist, "what-happened", "Typed before the timeout")
    assert response.status_code == 401 and response["X-Session-Expired"] == "1"
    assert answer(checklist, "what-happened") is None
    # Signing in again (in another tab) and retrying saves the same text.
    client.force_login(fca)
    response = post(client, checklist, "what-happened", "Typed before the timeout")
    assert response.status_code == 200
    assert answer(checklist, "what-happened").value == "Typed before the timeout"


def test_it_rejects_get(client_for, fca, checklist):
    assert client_for(fca).get(autosave_url(checklist)).status_code == 405


def test_it_needs_the_csrf_token(fca, checklist):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(fca)
    assert post(client, checklist, "what-happened", "No token").status_code == 403
    assert answer(checklist, "what-happened") is None


def test_the_responses_are_never_cached(client_for, fca, checklist):
    response = post(client_for(fca), checklist, "what-happened", "Text")
    assert "no-store" in response["Cache-Control"]


def test_answer_text_never_reaches_the_logs(client_for, fca, checklist, caplog):
    client = client_for(fca)
    with caplog.at_level("DEBUG"):
        post(client, checklist, "what-happened", "A secret about the child", revision=0)
        post(client, checklist, "what-happened", "x" * 3000 + "secret", revision=1)
        post(client, checklist, "what-happened", "Another secret", revision=0)
    assert "secret" not in caplog.text


def test_an_autosave_without_the_answer_is_refused_and_clears_nothing(client_for, fca, checklist):
    save(checklist, "what-happened", "Shouting was heard.", revision=1)
    question = questions(checklist.template)["what-happened"]
    # The revision is right, but the box itself is missing (a misnamed field).
    data = {"question": question.pk, "what-happened": "", "revision-what-happened": 1}
    response = client_for(fca).post(autosave_url(checklist), data, headers=HX)
    assert response.status_code == 400
    assert "Not saved: reload the page and try again." in response.content.decode()
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Shouting was heard.", 1)
