"""Your actions: the list and its filters, one action's page, and marking it done or no longer needed."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from checklists.models import Checklist, Event
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db

LIST = reverse("actions:list")
Status = Action.Status


def days(number: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=number)


def date_fields(day: datetime.date, name: str = "done_on") -> dict:
    return {f"{name}.day": day.day, f"{name}.month": day.month, f"{name}.year": day.year}


@pytest.fixture
def checklist(action_template, fca):
    made = ChecklistFactory(
        template=action_template, author=fca, case_reference="ZE21P00123", title="New information from the school"
    )
    Checklist.objects.filter(pk=made.pk).update(created_at=timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0)))
    made.refresh_from_db()
    return made


def action_on(checklist, description, *, due=7, status=Status.OPEN, closed=None, note="", **extra) -> Action:
    action = ActionFactory(
        checklist=checklist,
        question=checklist.template.questions.get(key="then-what"),
        description=description,
        due_on=days(due),
        status=status,
        closed_on=days(closed) if closed is not None else None,
        note=note,
        **extra,
    )
    # Made a month ago, so that a date done in the past is allowed.
    Action.objects.filter(pk=action.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    action.refresh_from_db()
    return action


def detail_url(action) -> str:
    return reverse("actions:detail", kwargs={"pk": action.pk})


def close_url(action) -> str:
    return reverse("actions:close", kwargs={"pk": action.pk})


def state(action) -> tuple:
    action.refresh_from_db()
    return (action.status, action.closed_on, action.note, action.revision, action.description, action.due_on)


def events(action) -> list:
    return list(Event.objects.filter(checklist_id=action.checklist_id).values_list("kind", flat=True))


def listed(html: str, *descriptions: str) -> list[str]:
    """The given descriptions in the order the page shows them."""
    found = [(html.index(text), text) for text in descriptions if text in html]
    return [text for _, text in sorted(found)]


# --- the list ---------------------------------------------------------------------------------------


def test_it_lists_your_open_actions_soonest_due_first_with_overdue_ones_flagged(
    client_for, fca, other_fca, checklist, action_template
):
    action_on(checklist, "Visit the family again", due=10)
    overdue = action_on(checklist, "Ask the school for attendance records", due=-3)
    action_on(checklist, "Call the health visitor", due=1)
    action_on(checklist, "Read the police disclosure", due=-20, status=Status.DONE, closed=-1)
    theirs = ChecklistFactory(template=action_template, author=other_fca, case_reference="ZE21P09999")
    action_on(theirs, "Someone else's action", due=-1)

    response = client_for(fca).get(LIST)

    assert response.status_code == 200
    html = response.content.decode()
    assert listed(
        html,
        "Visit the family again",
        "Ask the school for attendance records",
        "Call the health visitor",
        "Read the police disclosure",
        "Someone else's action",
    ) == ["Ask the school for attendance records", "Call the health visitor", "Visit the family again"]
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert "Overdue by 3 days" in html
    assert html.count("Overdue by") == 1
    # Each row says who, when, and which checklist it came from, with the date that checklist was started.
    assert f'href="{detail_url(overdue)}"' in html
    assert f'href="{checklist.get_absolute_url()}"' in html
    assert "ZE21P00123" in html and "New information from the school" in html
    assert "Started 2 Mar 2026" in html
    assert f"{days(-3):%-d %b %Y}" in html
    assert "ZE21P09999" not in html
    assert "Open (3)" in html and "Overdue (1)" in html and "Done or no longer needed (1)" in html
    assert "All (4)" in html
    assert 'class="govuk-table app-stacked-table"' in html
    assert 'data-label="Due"' in html


def test_the_overdue_filter_shows_only_open_actions_past_their_date(client_for, fca, checklist):
    action_on(checklist, "Two days late", due=-2)
    action_on(checklist, "Due today", due=0)
    action_on(checklist, "Late but done", due=-5, status=Status.DONE, closed=-1)
    action_on(checklist, "Ten days late", due=-10)

    html = client_for(fca).get(LIST, {"show": "overdue"}).content.decode()

    assert listed(html, "Two days late", "Due today", "Late but done", "Ten days late") == [
        "Ten days late",
        "Two days late",
    ]
    assert "Overdue by 10 days" in html and "Overdue by 2 days" in html
    assert 'href="?show=overdue" aria-current="page"' not in html  # filter links are full addresses
    assert f'href="{LIST}?show=overdue" aria-current="page"' in html


def test_the_done_filter_shows_done_and_no_longer_needed_most_recently_closed_first_and_says_which(
    client_for, fca, checklist
):
    action_on(checklist, "Still open", due=3)
    action_on(checklist, "Done last week", status=Status.DONE, closed=-7)
    action_on(checklist, "Dropped yesterday", status=Status.NOT_NEEDED, closed=-1, note="The family moved away.")
    action_on(checklist, "Carried on", status=Status.CARRIED_FORWARD, closed=-2)

    html = client_for(fca).get(LIST, {"show": "done"}).content.decode()

    assert listed(html, "Still open", "Done last week", "Dropped yesterday", "Carried on") == [
        "Dropped yesterday",
        "Done last week",
    ]
    assert '<strong class="govuk-tag govuk-tag--green">Done</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">No longer needed</strong>' in html
    assert f"On {days(-7):%-d %b %Y}" in html


def test_all_shows_every_action_including_those_carried_forward(client_for, fca, checklist):
    for description, status in [
        ("Open one", Status.OPEN),
        ("Done one", Status.DONE),
        ("Carried", Status.CARRIED_FORWARD),
    ]:
        action_on(checklist, description, status=status, closed=None if status == Status.OPEN else -1)

    html = client_for(fca).get(LIST, {"show": "all"}).content.decode()

    assert set(listed(html, "Open one", "Done one", "Carried")) == {"Open one", "Done one", "Carried"}
    assert "Carried forward" in html


def test_an_unknown_filter_shows_the_open_actions(client_for, fca, checklist):
    action_on(checklist, "Still open")
    action_on(checklist, "Finished", status=Status.DONE, closed=-1)

    response = client_for(fca).get(LIST, {"show": "<script>"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Still open" in html and "Finished" not in html
    assert "&lt;script&gt;" not in html and "<script>" not in html.split('id="main-content"')[1].split("</main>")[0]


def test_someone_with_no_actions_is_told_where_they_come_from(client_for, fca):
    for show in ("open", "overdue", "done", "all"):
        html = client_for(fca).get(LIST, {"show": show}).content.decode()
        assert "You have no actions yet" in html
        assert "‘Then What?’ step" in html


@pytest.mark.parametrize(
    ("show", "message"),
    [
        ("open", "You have no open actions"),
        ("overdue", "None of your actions are overdue"),
        ("done", "No actions are done or no longer needed yet"),
    ],
)
def test_each_filter_has_its_own_empty_state(client_for, fca, checklist, show, message):
    if show == "done":
        action_on(checklist, "Open and not late", due=2)
    else:
        action_on(checklist, "Already done", status=Status.DONE, closed=-1)

    html = client_for(fca).get(LIST, {"show": show}).content.decode()

    assert message in html
    assert "<table" not in html


def test_the_list_is_paginated_and_the_pages_keep_the_filter(client_for, fca, checklist):
    for number in range(25):
        action_on(checklist, f"Overdue action number {number:02d}", due=-30 + number)
    client = client_for(fca)

    first = client.get(LIST, {"show": "overdue"}).content.decode()
    second = client.get(LIST, {"show": "overdue", "page": 2}).content.decode()

    assert "Showing 1 to 20 of 25" in first
    assert "Overdue action number 00" in first and "Overdue action number 20" not in first
    assert 'href="?show=overdue&amp;page=2"' in first
    assert "Showing 21 to 25 of 25" in second
    assert "Overdue action number 24" in second and "Overdue action number 19" not in second
    assert "Your actions: overdue (page 2 of 2)" in second
    # A page past the end shows the last one.
    assert "Showing 21 to 25 of 25" in client.get(LIST, {"show": "overdue", "page": 99}).content.decode()


def test_the_list_links_each_action_with_the_way_back_to_this_page(client_for, fca, checklist):
    action = action_on(checklist, "Late one", due=-1)

    html = client_for(fca).get(LIST, {"show": "overdue"}).content.decode()

    assert f'href="{detail_url(action)}?next=%2Factions%2F%3Fshow%3Doverdue"' in html


def test_the_list_takes_the_same_queries_for_few_or_many_actions(
    client_for, fca, checklist, action_template, django_assert_num_queries, plus_session
):
    client = client_for(fca)
    action_on(checklist, "The first", due=-1)
    action_on(checklist, "The first done", status=Status.DONE, closed=-1)
    client.get(LIST)
    # The session, the user, the counts for every filter, the page of actions with their checklists,
    # and the navigation's role check, inside the request's savepoint.
    queries = plus_session(6)
    for show in ("open", "done"):
        with django_assert_num_queries(queries):
            assert client.get(LIST, {"show": show}).status_code == 200
    for number in range(30):
        other = ChecklistFactory(template=action_template, author=fca)
        action_on(other, f"Open {number}", due=number - 10)
        action_on(other, f"Done {number}", status=Status.DONE, closed=-1)
    for show in ("open", "done"):
        with django_assert_num_queries(queries):
            assert client.get(LIST, {"show": show}).status_code == 200


# --- one action --------------------------------------------------------------------------------------


def test_the_author_sees_their_action_where_it_came_from_and_the_form_to_close_it(client_for, fca, checklist):
    action = action_on(checklist, "Ask the school for attendance records", due=-3)

    response = client_for(fca).get(detail_url(action))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Ask the school for attendance records" in html
    assert "Overdue by 3 days" in html
    assert f'href="{checklist.get_absolute_url()}"' in html
    assert "started 2 March 2026 (draft)" in html
    assert f'action="{close_url(action)}"' in html
    assert f'name="revision" value="{action.revision}"' in html
    today = timezone.localdate()
    assert f'name="done_on.day" type="text" inputmode="numeric" value="{today.day}"' in html
    assert f'name="done_on.year" type="text" inputmode="numeric" value="{today.year}"' in html
    assert 'name="reason"' in html and 'name="done_note"' in html


def test_a_closed_action_has_no_form(client_for, fca, checklist):
    action = action_on(checklist, "Finished", status=Status.NOT_NEEDED, closed=-2, note="The family moved away.")

    html = client_for(fca).get(detail_url(action)).content.decode()

    assert "No longer needed" in html and "The family moved away." in html
    assert close_url(action) not in html


def test_a_carried_forward_action_points_to_where_it_went(client_for, fca, checklist, action_template):
    earlier = action_on(checklist, "Carry me", status=Status.CARRIED_FORWARD, closed=-1)
    later = ChecklistFactory(template=action_template, author=fca, case_reference="ZE21P00123")
    copy = action_on(later, "Carry me", carried_from=earlier)

    html = client_for(fca).get(detail_url(earlier)).content.decode()
    assert f'href="{detail_url(copy)}"' in html

    html = client_for(fca).get(detail_url(copy)).content.decode()
    assert "Carried forward from your reflection of 2 March 2026" in html


def test_a_next_address_elsewhere_is_ignored(client_for, fca, checklist):
    action = action_on(checklist, "Somewhere")

    html = client_for(fca).get(detail_url(action), {"next": "https://evil.example/"}).content.decode()

    assert "evil.example" not in html


# --- closing an action -------------------------------------------------------------------------------


def test_marking_an_action_done_records_the_date_and_note_and_returns_to_the_list(client_for, fca, checklist):
    action = action_on(checklist, "Ask the school", due=-3)
    client = client_for(fca)

    response = client.post(
        close_url(action),
        {"status": "done", **date_fields(days(-2)), "done_note": "  The school sent them.  ", "revision": 1},
    )

    assert response.status_code == 302
    assert response["Location"] == LIST
    action.refresh_from_db()
    assert (action.status, action.closed_on, action.note, action.revision) == (
        Status.DONE,
        days(-2),
        "The school sent them.",
        2,
    )
    assert events(action) == [Event.Kind.ACTION_DONE]
    html = client.get(response["Location"]).content.decode()
    assert f"Action marked as done on {days(-2):%-d %B %Y}." in html
    assert "govuk-notification-banner--success" in html


def test_done_without_a_date_is_done_today(client_for, fca, checklist):
    action = action_on(checklist, "Today")

    response = client_for(fca).post(close_url(action), {"status": "done", "revision": 1})

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.closed_on, action.note) == (Status.DONE, timezone.localdate(), "")


def test_no_longer_needed_keeps_the_reason_and_ignores_a_half_typed_date(client_for, fca, checklist):
    action = action_on(checklist, "Visit")

    response = client_for(fca).post(
        close_url(action),
        {"status": "not_needed", "reason": "The family moved away.", "done_on.day": "99", "revision": 1},
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.note, action.closed_on) == (
        Status.NOT_NEEDED,
        "The family moved away.",
        timezone.localdate(),
    )
    assert events(action) == [Event.Kind.ACTION_NOT_NEEDED]


@pytest.mark.parametrize("checklist_status", [Checklist.Status.SUBMITTED, Checklist.Status.SIGNED_OFF])
def test_follow_up_goes_on_after_the_checklist_is_submitted_or_signed_off(client_for, fca, checklist, checklist_status):
    Checklist.objects.filter(pk=checklist.pk).update(status=checklist_status)
    action = action_on(checklist, "After sign-off")

    response = client_for(fca).post(close_url(action), {"status": "done", "revision": 1})

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.DONE
    checklist.refresh_from_db()
    assert checklist.status == checklist_status


def test_it_goes_back_to_a_safe_local_next_address(client_for, fca, checklist):
    action = action_on(checklist, "From home")

    response = client_for(fca).post(close_url(action), {"status": "done", "revision": 1, "next": "/"})

    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/actions/", "/\\evil.example/", "javascript:alert(1)", "home", "0"],
)
def test_it_never_goes_to_an_address_elsewhere(client_for, fca, checklist, unsafe):
    action = action_on(checklist, "Phished")

    response = client_for(fca).post(close_url(action), {"status": "done", "revision": 1, "next": unsafe})

    assert response.status_code == 302 and response["Location"] == LIST
    action.refresh_from_db()
    assert action.status == Status.DONE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select done or no longer needed"),
        ({"status": "finished"}, "Select done or no longer needed"),
        ({"status": "carried_forward"}, "Select done or no longer needed"),
        ({"status": "not_needed"}, "Enter why the action is no longer needed"),
        ({"status": "not_needed", "reason": "   "}, "Enter why the action is no longer needed"),
        ({"status": "not_needed", "reason": "x" * 501}, "The note must be 500 characters or fewer"),
        ({"status": "done", "done_note": "x" * 501}, "The note must be 500 characters or fewer"),
        ({"status": "done", "done_on.day": "31", "done_on.month": "2", "done_on.year": "2026"}, "real date"),
        ({"status": "done", "done_on.day": "3", "done_on.month": "", "done_on.year": "2026"}, "must include a month"),
        ({"status": "done", **date_fields(days(1))}, "must be today or in the past"),
        ({"status": "done", **date_fields(days(-400))}, "on or after the day the action was added"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(client_for, fca, checklist, data, message):
    action = action_on(checklist, "Unchanged")
    before = state(action)

    response = client_for(fca).post(close_url(action), {"revision": 1, **data})

    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert "<title>Error: " in html
    assert state(action) == before
    assert events(action) == []


def test_a_missing_revision_is_refused(client_for, fca, checklist):
    action = action_on(checklist, "No revision")
    before = state(action)

    response = client_for(fca).post(close_url(action), {"status": "done"})

    assert response.status_code == 400
    assert "Reload the page and try again" in response.content.decode()
    assert state(action) == before


def test_a_change_from_a_stale_tab_is_refused_and_shows_the_action_as_it_now_is(client_for, fca, checklist):
    action = action_on(checklist, "Reworded elsewhere")
    Action.objects.filter(pk=action.pk).update(description="Reworded in another tab", revision=2)
    before = state(action)

    response = client_for(fca).post(close_url(action), {"status": "not_needed", "reason": "Moved away", "revision": 1})

    assert response.status_code == 409
    html = response.content.decode()
    assert "This action was changed somewhere else" in html
    assert "Reworded in another tab" in html
    # Their choice stays, now based on the saved revision, to send again.
    assert 'name="revision" value="2"' in html
    assert "Moved away</textarea>" in html
    assert state(action) == before
    assert events(action) == []


def test_marking_done_an_action_that_is_already_done_is_refused(client_for, fca, checklist):
    action = action_on(checklist, "Done twice", status=Status.DONE, closed=-4, note="First time", revision=2)
    before = state(action)

    response = client_for(fca).post(close_url(action), {"status": "done", "done_note": "Second time", "revision": 2})

    assert response.status_code == 409
    html = response.content.decode()
    assert "This action is already done" in html
    assert "First time" in html and "Second time" not in html
    assert state(action) == before
    assert events(action) == []


def test_a_second_tab_closing_the_same_action_is_told_it_is_already_done(client_for, fca, checklist):
    action = action_on(checklist, "Two tabs")
    client = client_for(fca)

    assert client.post(close_url(action), {"status": "done", "revision": 1}).status_code == 302
    response = client.post(close_url(action), {"status": "not_needed", "reason": "Changed my mind", "revision": 1})

    assert response.status_code == 409
    assert "This action is already done" in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.note, action.revision) == (Status.DONE, "", 2)


def test_nobody_else_can_close_an_action(client_for, other_fca, supervisor, checklist):
    Checklist.objects.filter(pk=checklist.pk).update(status=Checklist.Status.SUBMITTED)
    action = action_on(checklist, "Not yours")
    before = state(action)
    for person in (other_fca, supervisor):
        response = client_for(person).post(close_url(action), {"status": "done", "revision": 1})
        assert response.status_code == 404
    assert state(action) == before
