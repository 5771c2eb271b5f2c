"""Adding, changing, removing and carrying forward actions from a checklist's steps."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from checklists.models import Answer, Checklist, Event
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db


def _date_fields(day: datetime.date, name: str = "due_on") -> dict:
    return {f"{name}.day": day.day, f"{name}.month": day.month, f"{name}.year": day.year}


def _next_week() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=7)


def _add_url(checklist, key="then-what"):
    return reverse("actions:add", kwargs={"pk": checklist.pk, "key": key})


def _change_url(action):
    return reverse("actions:change", kwargs={"pk": action.checklist_id, "action_pk": action.pk})


def _then_what(checklist):
    return checklist.template.questions.get(key="then-what")


def test_an_action_question_invites_actions_and_the_enter_key_still_saves_and_continues(client_for, fca, draft):
    response = client_for(fca).get(draft.get_step_url(2))

    html = response.content.decode()
    assert "Actions for this question" in html
    assert "No actions yet." in html
    assert 'name="add_action" value="then-what"' in html
    # The first submit button in the form is the hidden "Save and continue", so Enter never adds an action.
    first_button = html.index("<button", html.index('id="step-form"'))
    assert 'value="continue"' in html[first_button : html.index(">", first_button)]


def test_add_an_action_saves_the_steps_answers_first(client_for, fca, draft):
    client = client_for(fca)
    response = client.post(
        draft.get_step_url(2),
        {"q-then-what": "Talk to the school again.", "revision-then-what": 0, "add_action": "then-what"},
    )

    assert response.status_code == 302
    assert response["Location"] == _add_url(draft)
    assert Answer.objects.get(checklist=draft).value == "Talk to the school again."


def test_adding_an_action_records_it_and_returns_to_the_step(client_for, fca, draft):
    client = client_for(fca)
    assert client.get(_add_url(draft)).status_code == 200

    response = client.post(
        _add_url(draft),
        {
            "description": "Ask the health visitor about missed appointments",
            "owner": "agency",
            "agency_role": "Health visitor",
            **_date_fields(_next_week()),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{draft.get_step_url(2)}#actions-then-what"
    action = Action.objects.get(checklist=draft)
    assert (action.description, action.owner, action.agency_role, action.due_on, action.status) == (
        "Ask the health visitor about missed appointments",
        "agency",
        "Health visitor",
        _next_week(),
        "open",
    )
    assert Event.objects.filter(checklist=draft, kind=Event.Kind.ACTION_ADDED).count() == 1
    step = client.get(draft.get_step_url(2)).content.decode()
    assert "Ask the health visitor about missed appointments" in step
    assert "Health visitor" in step
    assert "Add another action" in step


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "", "owner": "me"}, "Enter what will be done"),
        ({"description": "   ", "owner": "me"}, "Enter what will be done"),
        ({"description": "x" * 501, "owner": "me"}, "It must be 500 characters or fewer"),
        ({"description": "Visit", "owner": ""}, "Select who will do it"),
        ({"description": "Visit", "owner": "cousin"}, "Select who will do it"),
        (
            {"description": "Visit", "owner": "agency", "agency_role": ""},
            "Enter the role of the person at the other agency",
        ),
    ],
)
def test_an_incomplete_action_is_refused_with_a_message_and_nothing_saved(client_for, fca, draft, data, message):
    response = client_for(fca).post(_add_url(draft), {**data, **_date_fields(_next_week())})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"due_on.day": "31", "due_on.month": "2", "due_on.year": "2030"}, "The date must be a real date"),
        ({"due_on.day": "", "due_on.month": "", "due_on.year": ""}, "Enter the date it is due"),
        ({"due_on.day": "3", "due_on.month": "", "due_on.year": "2030"}, "The date must include a month"),
        ({"due_on.day": "99999999999999999999", "due_on.month": "1", "due_on.year": "2030"}, "real date"),
        (_date_fields(datetime.date(2020, 1, 6)), "must be today or in the future"),
    ],
)
def test_an_impossible_or_past_due_date_is_refused(client_for, fca, draft, dates, message):
    response = client_for(fca).post(_add_url(draft), {"description": "Visit", "owner": "me", **dates})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Action.objects.exists()


def test_an_action_cannot_be_added_to_someone_elses_checklist(client_for, other_fca, supervisor, draft):
    data = {"description": "Visit", "owner": "me", **_date_fields(_next_week())}
    assert client_for(other_fca).post(_add_url(draft), data).status_code == 404
    draft.status = Checklist.Status.SUBMITTED
    draft.save()
    # The supervisor may read it, but not change it.
    assert client_for(supervisor).post(_add_url(draft), data).status_code == 403
    assert not Action.objects.exists()


def test_an_action_cannot_be_added_to_a_submitted_checklist(client_for, fca, draft):
    draft.status = Checklist.Status.SUBMITTED
    draft.save()

    response = client_for(fca).post(
        _add_url(draft), {"description": "Visit", "owner": "me", **_date_fields(_next_week())}
    )

    assert response.status_code == 409
    assert "can no longer be added or changed" in response.content.decode()
    assert not Action.objects.exists()


def test_only_an_action_question_takes_actions(client_for, fca, draft):
    response = client_for(fca).post(
        _add_url(draft, key="what-happened"), {"description": "Visit", "owner": "me", **_date_fields(_next_week())}
    )

    assert response.status_code == 404
    assert not Action.objects.exists()


def test_changing_an_action_builds_on_its_revision(client_for, fca, draft):
    action = ActionFactory(checklist=draft, question=_then_what(draft))
    client = client_for(fca)
    page = client.get(_change_url(action)).content.decode()
    assert action.description in page
    assert 'name="revision" value="1"' in page

    response = client.post(
        _change_url(action),
        {"description": "Phone the school", "owner": "supervisor", "revision": 1, **_date_fields(_next_week())},
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.owner, action.revision) == ("Phone the school", "supervisor", 2)


def test_a_change_from_a_stale_tab_is_refused_and_shows_the_saved_version(client_for, fca, draft):
    action = ActionFactory(checklist=draft, question=_then_what(draft), description="Saved elsewhere", revision=3)

    response = client_for(fca).post(
        _change_url(action),
        {"description": "My older edit", "owner": "me", "revision": 2, **_date_fields(_next_week())},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "This action was changed somewhere else" in html
    assert "Saved elsewhere" in html and "My older edit" in html  # both versions: nothing typed is lost
    assert 'name="revision" value="3"' in html
    action.refresh_from_db()
    assert (action.description, action.revision) == ("Saved elsewhere", 3)


def test_autosave_of_an_action_replies_with_a_status_and_the_new_revision(client_for, fca, draft):
    action = ActionFactory(checklist=draft, question=_then_what(draft))
    client = client_for(fca)
    data = {"description": "Typed so far", "owner": "me", "revision": 1, **_date_fields(_next_week())}

    saved = client.post(_change_url(action), data, headers={"HX-Request": "true"})
    stale = client.post(_change_url(action), {**data, "description": "From an old tab"}, headers={"HX-Request": "true"})
    invalid = client.post(
        _change_url(action), {**data, "revision": 2, "description": ""}, headers={"HX-Request": "true"}
    )

    assert saved.status_code == 200
    assert "Saved at" in saved.content.decode()
    assert 'id="action-revision" name="revision" value="2" hx-swap-oob="true"' in saved.content.decode()
    assert stale.status_code == 409
    assert "changed in another tab or window" in stale.content.decode()
    assert invalid.status_code == 400
    assert "Not saved: Enter what will be done" in invalid.content.decode()
    action.refresh_from_db()
    assert (action.description, action.revision) == ("Typed so far", 2)


def test_a_past_due_date_may_stay_but_not_be_newly_set(client_for, fca, draft):
    past = timezone.localdate() - datetime.timedelta(days=3)
    action = ActionFactory(checklist=draft, question=_then_what(draft), due_on=past)
    client = client_for(fca)

    kept = client.post(
        _change_url(action), {"description": "Reworded", "owner": "me", "revision": 1, **_date_fields(past)}
    )
    moved = client.post(
        _change_url(action),
        {"description": "Reworded", "owner": "me", "revision": 2, **_date_fields(past - datetime.timedelta(days=1))},
    )

    assert kept.status_code == 302
    assert moved.status_code == 400
    action.refresh_from_db()
    assert (action.description, action.due_on, action.revision) == ("Reworded", past, 2)


def test_removing_an_action(client_for, fca, draft):
    action = ActionFactory(checklist=draft, question=_then_what(draft))
    client = client_for(fca)
    remove = reverse("actions:remove", kwargs={"pk": draft.pk, "action_pk": action.pk})

    stale = client.post(remove, {"revision": 0})
    assert stale.status_code == 409
    assert Action.objects.filter(pk=action.pk).exists()

    response = client.post(remove, {"revision": 1})
    assert response.status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()


def test_the_change_button_on_a_step_saves_the_answers_then_opens_the_action(client_for, fca, draft):
    action = ActionFactory(checklist=draft, question=_then_what(draft))

    response = client_for(fca).post(
        draft.get_step_url(2), {"q-then-what": "Next steps typed", "revision-then-what": 0, "change_action": action.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == _change_url(action)
    assert Answer.objects.get(checklist=draft).value == "Next steps typed"


def test_a_change_button_for_another_checklists_action_is_refused(client_for, fca, draft):
    elsewhere = ActionFactory(checklist=ChecklistFactory(template=draft.template, author=fca))

    response = client_for(fca).post(draft.get_step_url(2), {"change_action": elsewhere.pk})

    assert response.status_code == 400
    assert "That action is no longer on this checklist" in response.content.decode()


# Carrying actions forward -------------------------------------------------------------------


@pytest.fixture
def earlier(draft, fca):
    """Last week's reflection on the same case, with two open actions and one done."""
    earlier = ChecklistFactory(
        template=draft.template, author=fca, case_reference=draft.case_reference, status=Checklist.Status.SIGNED_OFF
    )
    Checklist.objects.filter(pk=earlier.pk).update(created_at=draft.created_at - datetime.timedelta(days=7))
    question = _then_what(draft)
    ActionFactory(checklist=earlier, question=question, description="Open one")
    ActionFactory(checklist=earlier, question=question, description="Open two")
    ActionFactory(checklist=earlier, question=question, description="Already done", status="done")
    return earlier


def test_the_first_step_shows_the_last_reflections_actions(client_for, fca, draft, earlier):
    html = client_for(fca).get(draft.get_step_url(1)).content.decode()

    assert "Actions from your last reflection on this case" in html
    assert html.count('name="carry"') == 2  # the open ones can be carried; the done one just shows
    assert "Already done" in html
    assert "Carry the selected actions into this checklist" in html


def test_no_earlier_actions_panel_for_a_new_case_or_another_persons(client_for, fca, other_fca, draft, earlier):
    earlier.author = other_fca
    earlier.save()

    html = client_for(fca).get(draft.get_step_url(1)).content.decode()

    assert "Actions from your last reflection" not in html


def test_carrying_an_action_forward_copies_it_and_marks_the_old_one(client_for, fca, draft, earlier):
    chosen = earlier.actions.get(description="Open one")

    response = client_for(fca).post(
        draft.get_step_url(1),
        {"q-what-happened": "A new referral", "revision-what-happened": 0, "action": "carry", "carry": [chosen.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{draft.get_step_url(2)}#actions-then-what"
    copy = Action.objects.get(checklist=draft)
    assert (copy.description, copy.status, copy.carried_from_id) == ("Open one", "open", chosen.pk)
    chosen.refresh_from_db()
    assert (chosen.status, chosen.closed_on) == ("carried_forward", timezone.localdate())
    assert earlier.actions.get(description="Open two").status == "open"
    assert Answer.objects.get(checklist=draft).value == "A new referral"
    assert Event.objects.filter(kind=Event.Kind.ACTIONS_CARRIED, checklist__in=[draft, earlier]).count() == 2
    step_two = client_for(fca).get(draft.get_step_url(2)).content.decode()
    assert "Carried forward from your reflection of" in step_two


@pytest.mark.parametrize("pick", ["nothing", "done", "someone_elses", "junk"])
def test_carrying_forward_refuses_what_cannot_be_carried(client_for, fca, other_fca, draft, earlier, pick):
    choices = {
        "nothing": [],
        "done": [earlier.actions.get(description="Already done").pk],
        "someone_elses": [
            ActionFactory(checklist=ChecklistFactory(author=other_fca, case_reference=draft.case_reference)).pk
        ],
        "junk": ["1; DROP TABLE"],
    }[pick]

    response = client_for(fca).post(draft.get_step_url(1), {"action": "carry", "carry": choices})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert not Action.objects.filter(checklist=draft).exists()
    assert not Action.objects.filter(status="carried_forward").exists()


def test_removing_a_carried_action_reopens_the_earlier_one(client_for, fca, draft, earlier):
    chosen = earlier.actions.get(description="Open one")
    client = client_for(fca)
    client.post(draft.get_step_url(1), {"action": "carry", "carry": [chosen.pk]})
    copy = Action.objects.get(checklist=draft)

    client.post(reverse("actions:remove", kwargs={"pk": draft.pk, "action_pk": copy.pk}), {"revision": copy.revision})

    chosen.refresh_from_db()
    assert chosen.status == "open" and chosen.closed_on is None


def test_the_action_step_reads_its_actions_in_one_query_however_many(client_for, fca, draft, django_assert_num_queries):
    client = client_for(fca)
    url = draft.get_step_url(2)
    client.get(url)  # warm the session
    ActionFactory(checklist=draft, question=_then_what(draft))
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(12):
        ActionFactory(checklist=draft, question=_then_what(draft), carried_from=ActionFactory())
    with django_assert_num_queries(len(one.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("app-link-button") == 13


def test_the_first_step_reads_the_last_reflection_in_two_queries_however_many_actions(
    client_for, fca, draft, earlier, django_assert_num_queries
):
    client = client_for(fca)
    url = draft.get_step_url(1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        ActionFactory(checklist=earlier, question=_then_what(draft))
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count('name="carry"') == 12
