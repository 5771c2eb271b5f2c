"""The one decision form at the end of the review page, and sign-off's confirmation page.

A return is made at once, with its reason. A sign-off goes to "Are you sure?" first, and only
that page's Confirm button changes the checklist; the note travels in the session and a POSTed
hidden field, never in an address.
"""

import pytest
from django.urls import reverse

from accounts.models import Membership
from checklists.models import Checklist, Comment, Event
from supervision.views import PENDING_SIGN_OFF
from tests.factories import MembershipFactory, UserFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import make_checklist, snapshot

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template

NOTE = "Clear, well-evidenced thinking.\nGood use of the school's view."


def url(name, checklist):
    return reverse(f"supervision:{name}", kwargs={"pk": checklist.pk})


def decide(client, checklist, decision="", **text):
    data = {"decision-decision": decision}
    data.update({f"decision-{name}": value for name, value in text.items()})
    return client.post(url("decide", checklist), data)


def events(checklist, kind):
    return list(checklist.events.filter(kind=kind).values_list("actor_id", flat=True))


# --- the form on the review page --------------------------------------------------------------------


def test_the_review_page_asks_what_to_do_with_a_conditional_box_under_each_choice(client_for, supervisor, submitted):
    content = client_for(supervisor).get(url("review", submitted)).content.decode()
    assert f'<form method="post" action="{url("decide", submitted)}" novalidate>' in content
    assert '<h3 class="govuk-fieldset__heading">What do you want to do?</h3>' in content
    assert 'data-module="govuk-radios"' in content
    # GOV.UK's conditional reveal: each radio controls the box under it, hidden until it is chosen.
    assert 'value="sign_off" aria-describedby="id_decision-decision-item-hint"' in content
    assert 'data-aria-controls="conditional-id_decision-decision"' in content
    assert 'data-aria-controls="conditional-id_decision-decision-2"' in content
    hidden = "govuk-radios__conditional govuk-radios__conditional--hidden"
    assert f'class="{hidden}" id="conditional-id_decision-decision"' in content
    assert content.index("conditional-id_decision-decision") < content.index('name="decision-sign_off_note"')
    assert content.index('name="decision-sign_off_note"') < content.index('id="id_decision-decision-2"')
    assert content.index('id="id_decision-decision-2"') < content.index('name="decision-return_reason"')
    # One button for the decision.
    form = content[content.index(url("decide", submitted)) :]
    form = form[: form.index("</form>")]
    assert form.count('type="submit"') == 1 and ">Continue</button>" in form


# --- return -----------------------------------------------------------------------------------------


def test_a_return_with_a_reason_is_made_at_once(client_for, supervisor, submitted):
    client = client_for(supervisor)
    response = decide(client, submitted, "return", return_reason="  Say more about dad.\r\nAnd the school.  ")
    assert response.status_code == 302
    assert response["Location"] == url("review", submitted)
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.RETURNED
    comment = submitted.comments.get()
    assert (comment.body, comment.step, comment.kind) == (
        "Say more about dad.\nAnd the school.",
        None,
        Comment.Kind.RETURN_REASON,
    )
    assert events(submitted, Event.Kind.RETURNED) == [supervisor.pk]
    assert all(answer.returned_value == answer.value for answer in submitted.answers.all())
    assert b"The checklist has been returned for more reflection." in client.get(response["Location"]).content


@pytest.mark.parametrize("reason", ["", "   ", "\r\n"])
def test_a_return_without_a_reason_is_refused_and_changes_nothing(client_for, supervisor, submitted, reason):
    before = snapshot(submitted)
    response = decide(client_for(supervisor), submitted, "return", return_reason=reason, sign_off_note="Unused")
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: Review checklist" in content
    message = "Enter what you would like the practitioner to reflect on further"
    assert f'<a href="#id_decision-return_reason">{message}</a>' in content
    assert '<p id="id_decision-return_reason-error" class="govuk-error-message">' in content
    # The choice is kept, so its box is shown.
    assert 'id="id_decision-decision-2" name="decision-decision" type="radio" value="return"' in content
    assert 'data-aria-controls="conditional-id_decision-decision-2" checked>' in content
    assert 'class="govuk-radios__conditional" id="conditional-id_decision-decision-2"' in content
    assert snapshot(submitted) == before


def test_a_return_reason_over_the_limit_is_refused(client_for, supervisor, submitted):
    before = snapshot(submitted)
    response = decide(client_for(supervisor), submitted, "return", return_reason="r" * 5001)
    assert response.status_code == 400
    assert b"Your comment is 5,001 characters. It must be 5,000 characters or fewer" in response.content
    assert b'href="#id_decision-return_reason"' in response.content
    assert snapshot(submitted) == before


@pytest.mark.parametrize("decision", ["", "approve", "signed_off"])
def test_no_or_an_unknown_decision_is_refused(client_for, supervisor, submitted, decision):
    before = snapshot(submitted)
    response = decide(client_for(supervisor), submitted, decision, return_reason="Why", sign_off_note="Fine")
    assert response.status_code == 400
    assert (
        b'<a href="#id_decision-decision">Choose whether to sign off the checklist or return it for more reflection</a>'
        in response.content
    )
    assert b"govuk-form-group--error" in response.content
    assert snapshot(submitted) == before


# --- sign off, through its confirmation -------------------------------------------------------------


def test_sign_off_goes_through_confirmation_and_only_the_confirm_post_changes_the_status(
    client_for, supervisor, submitted
):
    client = client_for(supervisor)
    before = snapshot(submitted)

    # 1. The decision: on to the confirmation page, with nothing in the address but the checklist.
    response = decide(client, submitted, "sign_off", sign_off_note=NOTE, return_reason="Typed before a change of mind")
    assert response.status_code == 302
    assert response["Location"] == url("sign_off", submitted)
    assert snapshot(submitted) == before

    # 2. Are you sure? Still nothing changed but the record that it was looked at.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    content = page.content.decode()
    assert f"Are you sure you want to sign off {submitted.title}?</h1>" in content
    assert "Clear, well-evidenced thinking.<br>Good use of the school&#x27;s view." in content
    assert f'<form method="post" action="{url("sign_off", submitted)}" novalidate>' in content
    assert 'name="signoff-body"' in content and 'type="hidden"' in content
    assert ">Confirm and sign off</button>" in content
    assert f'<a class="govuk-link" href="{url("review", submitted)}#your-review">Go back</a>' in content
    assert snapshot(submitted) == before
    assert events(submitted, Event.Kind.VIEWED) == [supervisor.pk]

    # 3. Confirm, posting the note from the hidden field.
    response = client.post(url("sign_off", submitted), {"signoff-body": NOTE})
    assert response.status_code == 302
    assert response["Location"] == url("review", submitted)
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF and submitted.signed_off_at is not None
    comment = submitted.comments.get()
    assert (comment.body, comment.kind, comment.author) == (NOTE, Comment.Kind.SIGN_OFF_NOTE, supervisor)
    assert events(submitted, Event.Kind.SIGNED_OFF) == [supervisor.pk]
    assert PENDING_SIGN_OFF not in client.session
    assert b"The checklist has been signed off." in client.get(response["Location"]).content


def test_go_back_shows_the_choice_and_the_note_again(client_for, supervisor, submitted):
    client = client_for(supervisor)
    decide(client, submitted, "sign_off", sign_off_note="Well done on the chronology.")
    content = client.get(url("review", submitted)).content.decode()
    assert 'type="radio" value="sign_off" aria-describedby="id_decision-decision-item-hint"' in content
    assert 'data-aria-controls="conditional-id_decision-decision" checked>' in content
    assert ">\nWell done on the chronology.</textarea>" in content
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED


def test_the_note_waiting_for_one_checklist_is_not_shown_on_another(client_for, supervisor, fca, submitted, template):
    other = make_checklist(fca, template)
    client = client_for(supervisor)
    decide(client, submitted, "sign_off", sign_off_note="Only for the first one.")
    assert b"Only for the first one." not in client.get(url("review", other)).content
    assert b"Only for the first one." not in client.get(url("sign_off", other)).content


def test_sign_off_without_a_note(client_for, supervisor, submitted):
    client = client_for(supervisor)
    assert decide(client, submitted, "sign_off").status_code == 302
    assert b"You have not added a sign-off note." in client.get(url("sign_off", submitted)).content
    assert client.post(url("sign_off", submitted), {"signoff-body": ""}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF
    assert not submitted.comments.exists()


def test_a_sign_off_note_over_the_limit_is_refused_before_the_confirmation(client_for, supervisor, submitted):
    before = snapshot(submitted)
    response = decide(client_for(supervisor), submitted, "sign_off", sign_off_note="n" * 5001)
    assert response.status_code == 400
    assert b'<a href="#id_decision-sign_off_note">Your comment is 5,001 characters.' in response.content
    assert snapshot(submitted) == before


def test_a_tampered_note_on_the_confirm_post_is_refused_and_changes_nothing(client_for, supervisor, submitted):
    before = snapshot(submitted)
    response = client_for(supervisor).post(url("sign_off", submitted), {"signoff-body": "n" * 5001})
    assert response.status_code == 400
    assert b'href="#id_decision-sign_off_note"' in response.content
    assert snapshot(submitted) == before


# --- stale decisions --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Checklist.Status.SIGNED_OFF, Checklist.Status.RETURNED])
@pytest.mark.parametrize(
    "method, name, data",
    [
        ("post", "decide", {"decision-decision": "sign_off"}),
        ("post", "decide", {"decision-decision": "return", "decision-return_reason": "Again"}),
        ("post", "decide", {"decision-decision": "return", "decision-return_reason": ""}),
        ("get", "sign_off", {}),
        ("post", "sign_off", {"signoff-body": "Twice"}),
    ],
)
def test_a_decision_on_a_checklist_that_has_moved_on_is_refused_with_a_409(
    client_for, supervisor, fca, template, status, method, name, data
):
    checklist = make_checklist(fca, template, status=status)
    before = snapshot(checklist)
    response = getattr(client_for(supervisor), method)(url(name, checklist), data)
    assert response.status_code == 409
    content = response.content.decode()
    assert "That could not be done" in content
    assert f"A checklist that is {checklist.get_status_display().lower()} cannot be" in content
    assert "Nothing has been changed." in content
    assert snapshot(checklist) == before


def test_a_confirmation_left_open_while_another_supervisor_signs_off_is_refused(
    client_for, supervisor, north, submitted
):
    second = UserFactory()
    MembershipFactory(user=second, team=north, role=Membership.Role.SUPERVISOR)
    client = client_for(supervisor)
    decide(client, submitted, "sign_off", sign_off_note="Mine")
    assert client.get(url("sign_off", submitted)).status_code == 200
    assert decide(client_for(second), submitted, "return", return_reason="Wait").status_code == 302
    before = snapshot(submitted)
    response = client_for(supervisor).post(url("sign_off", submitted), {"signoff-body": "Mine"})
    assert response.status_code == 409
    assert b"A checklist that is returned for more reflection cannot be signed off." in response.content
    assert snapshot(submitted) == before


# --- who may see the confirmation ------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["other_fca", "stranger_fca", "other_supervisor", "editor"])
def test_the_confirmation_is_a_404_for_people_who_cannot_see_the_checklist(client_for, submitted, persona, request):
    before = snapshot(submitted)
    assert client_for(request.getfixturevalue(persona)).get(url("sign_off", submitted)).status_code == 404
    assert snapshot(submitted) == before


def test_the_confirmation_is_a_403_for_the_author(client_for, fca, submitted):
    response = client_for(fca).get(url("sign_off", submitted))
    assert response.status_code == 403
    assert b"You cannot review your own checklist" in response.content


def test_the_confirmation_of_a_draft_is_a_404(client_for, supervisor, fca, template):
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    assert client_for(supervisor).get(url("sign_off", draft)).status_code == 404


def test_the_confirmation_sends_anonymous_people_to_sign_in(client, submitted):
    response = client.get(url("sign_off", submitted))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
