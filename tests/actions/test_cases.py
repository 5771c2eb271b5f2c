"""A case's reflections over time: the case page, and "Earlier reflections on this case" on the checklist page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from checklists.models import Checklist, Event
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db

CASE = "ZE21P00123"
D, S, R, SO = Checklist.Status.DRAFT, Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF


def case_url(checklist) -> str:
    return reverse("actions:case", kwargs={"pk": checklist.pk})


def reflection(template, author, *, days_ago: int, status=S, case_reference=CASE, title="", team=None, actions=()):
    """A checklist started `days_ago` days ago, with actions given as (description, status, due in days)."""
    checklist = ChecklistFactory(
        template=template,
        author=author,
        team=team or author.practice_team,
        status=status,
        case_reference=case_reference,
        title=title or f"Reflection from {days_ago} days ago",
    )
    Checklist.objects.filter(pk=checklist.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    checklist.refresh_from_db()
    question = template.questions.get(key="then-what")
    today = timezone.localdate()
    for description, action_status, due_in in actions:
        ActionFactory(
            checklist=checklist,
            question=question,
            description=description,
            status=action_status,
            due_on=today + datetime.timedelta(days=due_in),
            closed_on=today if action_status != Action.Status.OPEN else None,
        )
    return checklist


@pytest.fixture
def case(action_template, fca, other_fca):
    """fca's three reflections on one case (oldest signed off, then submitted, newest a draft), and others."""
    oldest = reflection(
        action_template,
        fca,
        days_ago=60,
        status=SO,
        title="Police call-out in March",
        actions=[("Ask the school about attendance", Action.Status.DONE, -50)],
    )
    middle = reflection(
        action_template,
        fca,
        days_ago=20,
        title="New partner moved in",
        actions=[
            ("Check the new partner's history", Action.Status.OPEN, -3),
            ("Visit the child at home", Action.Status.OPEN, 10),
        ],
    )
    newest = reflection(action_template, fca, days_ago=1, status=D, title="Missed contact sessions")
    other_case = reflection(action_template, fca, days_ago=5, case_reference="ZE21P00999", title="Another family")
    someone_else = reflection(action_template, other_fca, days_ago=5, title="Same number, another FCA")
    return {"oldest": oldest, "middle": middle, "newest": newest, "other_case": other_case, "other_fca": someone_else}


def titles(response) -> list[str]:
    return [row.title for row in response.context["rows"]]


# The case page ---------------------------------------------------------------------------------


def test_the_author_sees_every_reflection_on_the_case_newest_first_with_its_actions(client_for, fca, case):
    response = client_for(fca).get(case_url(case["middle"]))

    assert response.status_code == 200
    assert titles(response) == ["Missed contact sessions", "New partner moved in", "Police call-out in March"]
    html = response.content.decode()
    assert "Reflections on this case" in html and f"Case {CASE}" in html
    for text in ("Check the new partner&#x27;s history", "Visit the child at home", "Ask the school about attendance"):
        assert text in html
    assert "Overdue by 3 days" in html
    assert "Signed off" in html and "Draft" in html
    assert "The checklist you came from" in html
    assert "Another family" not in html and "Same number, another FCA" not in html
    # The author's own actions link to their pages, where they can be marked done.
    overdue = Action.objects.get(description="Check the new partner's history")
    assert f'href="{overdue.get_absolute_url()}"' in html
    # An author's own look is not an event.
    assert not Event.objects.filter(kind=Event.Kind.VIEWED).exists()
    assert "no-store" in response["Cache-Control"]


def test_a_reflection_without_actions_says_so(client_for, fca, case):
    html = client_for(fca).get(case_url(case["newest"])).content.decode()
    assert "No actions added" in html


def test_a_single_reflection_says_it_is_the_only_one(client_for, fca, case):
    response = client_for(fca).get(case_url(case["other_case"]))
    assert titles(response) == ["Another family"]
    assert "This is your only reflection on this case so far." in response.content.decode()


def test_the_supervisor_sees_only_the_submitted_reflections_and_their_look_is_recorded(
    client_for, supervisor, fca, case
):
    response = client_for(supervisor).get(case_url(case["middle"]))

    assert response.status_code == 200
    assert titles(response) == ["New partner moved in", "Police call-out in March"]
    html = response.content.decode()
    assert "Missed contact sessions" not in html
    assert f"{fca}" in html
    # Actions are not links for a supervisor: an action's page is its author's alone.
    assert "/actions/" not in html.split('id="main-content"')[1]
    viewed = Event.objects.filter(kind=Event.Kind.VIEWED)
    assert list(viewed.values_list("checklist_id", "actor_id", "detail")) == [
        (case["middle"].pk, supervisor.pk, "Case page")
    ]


def test_a_supervisor_never_reaches_the_case_through_a_draft(client_for, supervisor, case):
    response = client_for(supervisor).get(case_url(case["newest"]))
    assert response.status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.VIEWED).exists()


def test_a_supervisor_sees_only_the_reflections_of_teams_they_supervise(
    client_for, fca, supervisor, other_supervisor, south, action_template, case
):
    # fca wrote an earlier reflection while in South: it belongs to South's supervisor.
    in_south = reflection(action_template, fca, days_ago=90, team=south, title="Written in South")

    north = client_for(supervisor).get(case_url(case["middle"]))
    assert "Written in South" not in titles(north)
    assert client_for(other_supervisor).get(case_url(case["middle"])).status_code == 404
    south_view = client_for(other_supervisor).get(case_url(in_south))
    assert titles(south_view) == ["Written in South"]


@pytest.mark.parametrize("persona", ["other_fca", "stranger_fca", "other_supervisor", "editor"])
def test_anyone_else_gets_a_404_and_nothing_is_recorded(client_for, request, persona, case):
    response = client_for(request.getfixturevalue(persona)).get(case_url(case["middle"]))
    assert response.status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.VIEWED).exists()


def test_an_unknown_checklist_is_a_404(client_for, fca, case):
    missing = reverse("actions:case", kwargs={"pk": "00000000-0000-0000-0000-000000000000"})
    assert client_for(fca).get(missing).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, case):
    response = client.get(case_url(case["middle"]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_refuses_post_and_changes_nothing(client_for, fca, case):
    before = list(Action.objects.values_list("pk", "status", "revision"))
    assert client_for(fca).post(case_url(case["middle"])).status_code == 405
    assert list(Action.objects.values_list("pk", "status", "revision")) == before


def test_a_superuser_sees_every_reflection_and_each_look_is_recorded(client_for, superuser, case):
    response = client_for(superuser).get(case_url(case["newest"]))
    assert titles(response) == ["Missed contact sessions", "New partner moved in", "Police call-out in March"]
    assert Event.objects.filter(kind=Event.Kind.VIEWED, actor=superuser, checklist=case["newest"]).count() == 1


def test_the_case_reference_is_never_in_an_address(client_for, fca, action_template, case):
    for days in range(25):
        reflection(action_template, fca, days_ago=100 + days)
    client = client_for(fca)
    first = client.get(case_url(case["middle"]))
    html = first.content.decode()
    hrefs = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert hrefs and not [href for href in hrefs if CASE in href]
    assert CASE not in case_url(case["middle"])


def test_it_is_paginated(client_for, fca, action_template, case):
    for days in range(25):
        reflection(action_template, fca, days_ago=100 + days)
    client = client_for(fca)
    first = client.get(case_url(case["middle"]))
    assert len(first.context["rows"]) == 20
    assert "Showing 1 to 20 of 28 reflections." in first.content.decode()
    second = client.get(case_url(case["middle"]), {"page": 2})
    assert len(second.context["rows"]) == 8
    assert client.get(case_url(case["middle"]), {"page": "nonsense"}).status_code == 200


@pytest.mark.parametrize("persona", ["fca", "supervisor"])
def test_the_case_page_takes_the_same_queries_for_1_or_30_reflections_with_their_actions(
    client_for, request, persona, action_template, fca, supervisor, django_assert_num_queries
):
    actions = [(f"Action {n}", Action.Status.OPEN, n - 2) for n in range(4)]
    latest = reflection(action_template, fca, days_ago=0, actions=actions)
    client = client_for(request.getfixturevalue(persona))
    client.get(case_url(latest))
    with CaptureQueriesContext(connection) as one:
        assert client.get(case_url(latest)).status_code == 200
    for days in range(29):
        reflection(action_template, fca, days_ago=1 + days, actions=actions)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(case_url(latest))
    assert len(response.context["rows"]) == 20
    assert sum(len(row.case_actions) for row in response.context["rows"]) == 80


# "Earlier reflections on this case" on the checklist page ---------------------------------------


def test_the_checklist_page_lists_the_earlier_reflections_and_links_to_the_case_page(client_for, fca, case):
    response = client_for(fca).get(case["newest"].get_absolute_url())
    html = response.content.decode()
    assert "Earlier reflections on this case" in html
    assert f'href="{case["middle"].get_absolute_url()}"' in html
    assert f'href="{case["oldest"].get_absolute_url()}"' in html
    assert f'href="{case_url(case["newest"])}"' in html
    assert html.index("New partner moved in") < html.index("Police call-out in March")
    assert "Another family" not in html and "Same number, another FCA" not in html


def test_the_checklist_page_shows_only_earlier_reflections(client_for, fca, case):
    html = client_for(fca).get(case["middle"].get_absolute_url()).content.decode()
    assert "Police call-out in March" in html and "Missed contact sessions" not in html
    oldest = client_for(fca).get(case["oldest"].get_absolute_url()).content.decode()
    assert "Earlier reflections on this case" not in oldest


def test_a_supervisor_is_told_only_of_earlier_reflections_they_can_see(
    client_for, supervisor, action_template, fca, case
):
    reflection(action_template, fca, days_ago=30, status=D, title="A draft nobody else sees")
    html = client_for(supervisor).get(case["middle"].get_absolute_url()).content.decode()
    assert "Earlier reflections on this case" in html
    assert "Police call-out in March" in html and "A draft nobody else sees" not in html


def test_a_supervisor_who_can_see_no_earlier_reflection_is_not_told_of_any(
    client_for, supervisor, action_template, fca
):
    reflection(action_template, fca, days_ago=30, status=D, title="A draft nobody else sees")
    later = reflection(action_template, fca, days_ago=2, title="Submitted later")
    html = client_for(supervisor).get(later.get_absolute_url()).content.decode()
    assert "Earlier reflections on this case" not in html
    assert case_url(later) not in html


def test_the_checklist_page_shows_the_latest_three_and_links_to_the_rest(client_for, fca, action_template, case):
    for days in range(2):
        reflection(action_template, fca, days_ago=30 + days, title=f"Between {days}")
    html = client_for(fca).get(case["newest"].get_absolute_url()).content.decode()
    section = html.split("Earlier reflections on this case")[1].split("</ul>")[0]
    assert section.count("<li>") == 3
    assert "See all the reflections on this case" in html


@pytest.mark.parametrize("persona", ["fca", "supervisor"])
def test_the_checklist_page_takes_the_same_queries_for_1_or_30_earlier_reflections(
    client_for, request, persona, action_template, fca, supervisor, django_assert_num_queries
):
    client = client_for(request.getfixturevalue(persona))
    latest = reflection(action_template, fca, days_ago=0)
    reflection(action_template, fca, days_ago=1)
    client.get(latest.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        client.get(latest.get_absolute_url())
    for days in range(29):
        reflection(action_template, fca, days_ago=2 + days, actions=[("More", Action.Status.OPEN, 3)])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(latest.get_absolute_url())
    assert len(response.context["earlier"]["items"]) == 3 and response.context["earlier"]["more"]
