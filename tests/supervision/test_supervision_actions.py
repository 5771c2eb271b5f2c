"""Supervisors' actions: comment, return for more reflection, sign off, record a discussion.

Each legal move through the client, then every forged or out-of-order one: a clear 4xx page and
nothing changed in the database.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from checklists import services
from checklists.models import Checklist, Comment, Event
from tests.factories import MembershipFactory, UserFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import build_template, make_checklist, snapshot

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template


def url(name, checklist):
    return reverse(f"supervision:{name}", kwargs={"pk": checklist.pk})


def review_url(checklist):
    return url("review", checklist)


def post(client, name, checklist, data=None):
    return client.post(url(name, checklist), data or {})


def events(checklist, kind):
    return list(checklist.events.filter(kind=kind).values_list("actor_id", "detail"))


def today_parts(days_ago=0):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return {"discussed.day": str(day.day), "discussed.month": str(day.month), "discussed.year": str(day.year)}


# Every POST action, and a body that each of them would accept from a reviewer.
ACTIONS = ["comment", "decide", "return", "sign_off", "discussed"]


def action_data():
    return {
        "comment-body": "x",
        "return-body": "x",
        "decision-decision": "return",
        "decision-return_reason": "x",
        **today_parts(),
    }


# --- comments ---------------------------------------------------------------------------------------


def test_it_adds_a_comment_on_the_whole_checklist(client_for, supervisor, submitted):
    client = client_for(supervisor)
    response = post(client, "comment", submitted, {"comment-body": "  Good use of the tools.  ", "comment-step": ""})
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(submitted)}#comments"
    comment = submitted.comments.get()
    assert (comment.body, comment.step, comment.author) == ("Good use of the tools.", None, supervisor)
    assert comment.kind == Comment.Kind.COMMENT
    assert events(submitted, Event.Kind.COMMENTED) == [(supervisor.pk, "")]
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED
    page = client.get(response["Location"])
    assert b"Your comment has been added." in page.content
    assert b"govuk-notification-banner--success" in page.content


def test_it_adds_a_comment_on_one_step(client_for, supervisor, submitted, template):
    step = template.steps.get(number=2)
    response = post(
        client_for(supervisor), "comment", submitted, {"comment-body": "More here.", "comment-step": step.pk}
    )
    assert response.status_code == 302
    assert submitted.comments.get().step == step
    assert events(submitted, Event.Kind.COMMENTED) == [(supervisor.pk, "On step 2")]


def test_it_keeps_line_breaks_in_comments(client_for, supervisor, submitted):
    post(client_for(supervisor), "comment", submitted, {"comment-body": "First.\r\nSecond."})
    assert submitted.comments.get().body == "First.\nSecond."


@pytest.mark.parametrize(
    "body, message",
    [
        ("", b"Enter your comment"),
        ("   ", b"Enter your comment"),
        ("x" * 5001, b"It must be 5,000 characters or fewer"),
    ],
)
def test_it_refuses_a_bad_step_comment_beside_its_step_and_keeps_the_text(
    client_for, supervisor, submitted, template, body, message
):
    step = template.steps.get(number=2)
    before = snapshot(submitted)
    response = post(client_for(supervisor), "comment", submitted, {"comment-body": body, "comment-step": step.pk})
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert message.decode() in content
    # The summary links to step 2's box, which shows the error and what was typed.
    assert 'href="#step-2-comment-body"' in content
    assert '<p id="step-2-comment-body-error" class="govuk-error-message">' in content
    assert content.index('id="step-2"') < content.index("step-2-comment-body-error") < content.index('id="comments"')
    if body.strip():
        assert body[:50] in content
    assert snapshot(submitted) == before


@pytest.mark.parametrize(
    "data, message",
    [
        ({"comment-body": ""}, b"Enter your comment"),
        ({"comment-body": "Fine", "comment-step": "not-a-number"}, b"Choose the whole checklist or one of its steps"),
        ({"comment-body": "Fine", "comment-step": "999999"}, b"Choose the whole checklist or one of its steps"),
    ],
)
def test_it_refuses_a_bad_comment_without_a_step_of_this_checklist(client_for, supervisor, submitted, data, message):
    before = snapshot(submitted)
    response = post(client_for(supervisor), "comment", submitted, data)
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert message in response.content
    assert b'href="#answers"' in response.content
    assert snapshot(submitted) == before


def test_it_refuses_a_step_from_another_template(client_for, supervisor, submitted):
    other_step = build_template().steps.get(number=1)
    before = snapshot(submitted)
    response = post(client_for(supervisor), "comment", submitted, {"comment-body": "Hi", "comment-step": other_step.pk})
    assert response.status_code == 400
    assert snapshot(submitted) == before


def test_it_allows_comments_while_returned(client_for, supervisor, fca, template):
    returned = make_checklist(fca, template, status=Checklist.Status.RETURNED)
    assert post(client_for(supervisor), "comment", returned, {"comment-body": "One more thought."}).status_code == 302
    assert returned.comments.count() == 1


def test_it_refuses_comments_once_signed_off(client_for, supervisor, fca, template):
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    before = snapshot(signed_off)
    response = post(client_for(supervisor), "comment", signed_off, {"comment-body": "Late thought."})
    assert response.status_code == 409
    assert b"signed off, so it can no longer be commented on" in response.content
    assert snapshot(signed_off) == before


# --- return for more reflection ---------------------------------------------------------------------


def test_it_returns_a_checklist_with_a_comment(client_for, supervisor, submitted, template):
    step = template.steps.get(number=1)
    client = client_for(supervisor)
    response = post(client, "return", submitted, {"return-body": "Triangulate this.", "return-step": step.pk})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.RETURNED
    assert submitted.returned_at is not None
    comment = submitted.comments.get()
    assert (comment.body, comment.step, comment.kind) == ("Triangulate this.", step, Comment.Kind.RETURN_REASON)
    assert events(submitted, Event.Kind.RETURNED) == [(supervisor.pk, "")]
    # Each answer remembers what it said, so the next review can show what changed.
    assert all(answer.returned_value == answer.value for answer in submitted.answers.all())
    assert b"returned for more reflection" in client.get(response["Location"]).content


@pytest.mark.parametrize("body", ["", "   "])
def test_a_return_needs_a_comment(client_for, supervisor, submitted, body):
    before = snapshot(submitted)
    response = post(client_for(supervisor), "return", submitted, {"return-body": body})
    assert response.status_code == 400
    assert b"Enter what you would like the practitioner to reflect on further" in response.content
    assert b'href="#id_decision-return_reason"' in response.content
    assert snapshot(submitted) == before


def test_a_return_refuses_a_step_from_another_template(client_for, supervisor, submitted):
    other_step = build_template().steps.get(number=1)
    before = snapshot(submitted)
    response = post(client_for(supervisor), "return", submitted, {"return-body": "Hm", "return-step": other_step.pk})
    assert response.status_code == 400
    assert snapshot(submitted) == before


# --- sign off ---------------------------------------------------------------------------------------


def test_it_signs_off_without_a_comment(client_for, supervisor, submitted):
    client = client_for(supervisor)
    response = post(client, "sign_off", submitted, {"signoff-body": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF
    assert submitted.signed_off_at is not None
    assert not submitted.comments.exists()
    assert events(submitted, Event.Kind.SIGNED_OFF) == [(supervisor.pk, "")]
    assert b"The checklist has been signed off." in client.get(response["Location"]).content


def test_it_signs_off_with_a_comment(client_for, supervisor, submitted):
    post(client_for(supervisor), "sign_off", submitted, {"signoff-body": "Clear, well-evidenced thinking."})
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF
    comment = submitted.comments.get()
    assert (comment.body, comment.kind) == ("Clear, well-evidenced thinking.", Comment.Kind.SIGN_OFF_NOTE)


def test_a_sign_off_comment_has_a_limit(client_for, supervisor, submitted):
    before = snapshot(submitted)
    response = post(client_for(supervisor), "sign_off", submitted, {"signoff-body": "y" * 5001})
    assert response.status_code == 400
    assert snapshot(submitted) == before


# --- discussed in supervision -----------------------------------------------------------------------


def test_it_records_the_date_of_a_discussion(client_for, supervisor, submitted):
    response = post(client_for(supervisor), "discussed", submitted, today_parts(days_ago=3))
    assert response.status_code == 302
    submitted.refresh_from_db()
    expected = timezone.localdate() - datetime.timedelta(days=3)
    assert submitted.discussed_on == expected
    assert submitted.status == Checklist.Status.SUBMITTED
    assert events(submitted, Event.Kind.DISCUSSED) == [(supervisor.pk, f"On {expected:%d %B %Y}")]


def test_it_records_a_discussion_after_sign_off(client_for, supervisor, fca, template):
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    assert post(client_for(supervisor), "discussed", signed_off, today_parts()).status_code == 302
    signed_off.refresh_from_db()
    assert signed_off.discussed_on == timezone.localdate()


@pytest.mark.parametrize(
    "data, message, anchor",
    [
        ({}, b"Enter the date of the supervision discussion", b'href="#id_discussed"'),
        (
            {"discussed.day": "3", "discussed.month": "", "discussed.year": "2026"},
            b"The date must include a month",
            b'href="#id_discussed.month"',
        ),
        (
            {"discussed.day": "31", "discussed.month": "2", "discussed.year": "2026"},
            b"The date must be a real date",
            b'href="#id_discussed"',
        ),
        (
            {"discussed.day": "x", "discussed.month": "2", "discussed.year": "2026"},
            b"The date must be a real date",
            b'href="#id_discussed"',
        ),
        (
            {"discussed.day": "1", "discussed.month": "2", "discussed.year": "26"},
            b"The date must be a real date",
            b'href="#id_discussed"',
        ),
        (
            {"discussed.day": "1", "discussed.month": "2", "discussed.year": "1999"},
            b"The date must be after 1 January 2000",
            b'href="#id_discussed.year"',
        ),
    ],
)
def test_it_refuses_a_missing_or_impossible_date(client_for, supervisor, submitted, data, message, anchor):
    before = snapshot(submitted)
    response = post(client_for(supervisor), "discussed", submitted, data)
    assert response.status_code == 400
    assert message in response.content
    assert anchor in response.content
    highlighted = b"govuk-date-input__input govuk-input--width-2 govuk-input--error" in response.content
    assert highlighted == (anchor != b'href="#id_discussed.year"')  # a year too early marks the year alone
    assert snapshot(submitted) == before


def test_it_refuses_a_date_in_the_future(client_for, supervisor, submitted):
    before = snapshot(submitted)
    response = post(client_for(supervisor), "discussed", submitted, today_parts(days_ago=-1))
    assert response.status_code == 400
    assert b"The date must be today or in the past" in response.content
    # What was typed stays in the boxes.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert f'name="discussed.year" type="text" inputmode="numeric" value="{tomorrow.year}"'.encode() in response.content
    assert snapshot(submitted) == before


def test_the_service_also_refuses_a_future_date(supervisor, submitted):
    with pytest.raises(services.ChecklistError):
        services.record_discussion(
            checklist=submitted, by=supervisor, on=timezone.localdate() + datetime.timedelta(days=1)
        )


# --- the whole cycle --------------------------------------------------------------------------------


def test_the_legal_moves_from_draft_to_signed_off(client_for, fca, supervisor, template):
    checklist = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    services.submit(checklist=checklist, by=fca)
    client = client_for(supervisor)
    assert post(client, "return", checklist, {"return-body": "Say more about dad."}).status_code == 302
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.RETURNED
    services.submit(checklist=checklist, by=fca)
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED
    assert post(client, "sign_off", checklist).status_code == 302
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SIGNED_OFF
    kinds = list(checklist.events.exclude(kind=Event.Kind.VIEWED).values_list("kind", flat=True))
    assert kinds == ["created", "submitted", "returned", "submitted", "signed_off"]


# --- forged and out-of-order ------------------------------------------------------------------------

OUT_OF_ORDER = [
    ("returned", "sign_off", {}),
    ("returned", "return", {"return-body": "Again"}),
    ("signed_off", "return", {"return-body": "Reopen"}),
    ("signed_off", "sign_off", {}),
]


@pytest.mark.parametrize("status, action, data", OUT_OF_ORDER)
def test_it_refuses_moves_the_workflow_does_not_allow(client_for, supervisor, fca, template, status, action, data):
    checklist = make_checklist(fca, template, status=status)
    before = snapshot(checklist)
    response = post(client_for(supervisor), action, checklist, data)
    assert response.status_code == 409
    assert b"That could not be done" in response.content
    assert b"cannot be" in response.content
    assert snapshot(checklist) == before


def test_an_empty_return_of_a_signed_off_checklist_says_it_is_signed_off(client_for, supervisor, fca, template):
    # The state is the real problem, so that is what the page says, not "enter a comment".
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    response = post(client_for(supervisor), "return", signed_off, {"return-body": ""})
    assert response.status_code == 409


def test_two_supervisors_cannot_both_decide(client_for, supervisor, north, submitted):
    second = UserFactory()
    MembershipFactory(user=second, team=north, role=Membership.Role.SUPERVISOR)
    assert post(client_for(supervisor), "sign_off", submitted).status_code == 302
    before = snapshot(submitted)
    response = post(client_for(second), "return", submitted, {"return-body": "Wait"})
    assert response.status_code == 409
    assert snapshot(submitted) == before


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["other_fca", "stranger_fca", "other_supervisor", "editor"])
def test_people_who_cannot_see_it_get_404_and_change_nothing(client_for, submitted, action, persona, request):
    data = action_data()
    before = snapshot(submitted)
    response = post(client_for(request.getfixturevalue(persona)), action, submitted, data)
    assert response.status_code == 404
    assert snapshot(submitted) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_the_author_cannot_act_on_their_own_checklist(client_for, fca, submitted, action):
    data = action_data()
    before = snapshot(submitted)
    response = post(client_for(fca), action, submitted, data)
    assert response.status_code == 403
    assert b"You cannot review your own checklist" in response.content
    assert snapshot(submitted) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_nobody_can_act_on_a_draft(client_for, supervisor, fca, template, action):
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    before = snapshot(draft)
    response = post(client_for(supervisor), action, draft, action_data())
    assert response.status_code == 404
    assert snapshot(draft) == before


@pytest.mark.parametrize("action", ["comment", "decide", "return", "discussed"])
def test_actions_reject_get(client_for, supervisor, submitted, action):
    before = snapshot(submitted)
    assert client_for(supervisor).get(url(action, submitted)).status_code == 405
    assert snapshot(submitted) == before


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_actions_go_to_sign_in(client, submitted, action):
    before = snapshot(submitted)
    response = client.post(url(action, submitted), action_data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot(submitted) == before


def test_a_status_field_in_the_post_is_ignored(client_for, supervisor, submitted):
    post(client_for(supervisor), "comment", submitted, {"comment-body": "Hi", "status": "signed_off"})
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED


def test_a_superuser_may_review_any_team(client_for, superuser, submitted):
    assert post(client_for(superuser), "sign_off", submitted).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF


# --- services refuse what the views would never send -------------------------------------------------


def test_services_refuse_a_reviewer_from_another_team(other_supervisor, submitted):
    before = snapshot(submitted)
    for call in (
        lambda: services.add_comment(checklist=submitted, by=other_supervisor, body="x"),
        lambda: services.return_for_reflection(checklist=submitted, by=other_supervisor, comment="x"),
        lambda: services.sign_off(checklist=submitted, by=other_supervisor),
        lambda: services.record_discussion(checklist=submitted, by=other_supervisor, on=timezone.localdate()),
    ):
        with pytest.raises(services.NotAReviewer):
            call()
    assert snapshot(submitted) == before


def test_services_refuse_the_author(fca, submitted):
    with pytest.raises(services.NotAReviewer):
        services.sign_off(checklist=submitted, by=fca)


def test_services_refuse_to_review_a_draft(supervisor, fca, template):
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    with pytest.raises(services.NotAReviewer):
        services.add_comment(checklist=draft, by=supervisor, body="x")
    assert not Comment.objects.exists()


def test_a_supervisor_cannot_change_an_answer(supervisor, submitted, fca, template):
    returned = make_checklist(fca, template, status=Checklist.Status.RETURNED)
    for checklist in (submitted, returned):
        answer = checklist.answers.first()
        with pytest.raises(services.ChecklistLocked):
            services.save_answer(
                checklist=checklist,
                question=answer.question,
                value="Overwritten by the supervisor",
                base_revision=answer.revision,
                by=supervisor,
            )
        answer.refresh_from_db()
        assert answer.value != "Overwritten by the supervisor"


def test_success_messages_stay_on_the_server(client_for, supervisor, submitted):
    client = client_for(supervisor)
    post(client, "comment", submitted, {"comment-body": "Noted."})
    assert "messages" not in client.cookies
    assert b"Your comment has been added." in client.get(review_url(submitted)).content
