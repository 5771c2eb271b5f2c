"""The home page's "Your actions": open ones soonest due first, overdue ones flagged, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def action_on(checklist, description, *, due=7, status=Action.Status.OPEN) -> Action:
    return ActionFactory(
        checklist=checklist,
        question=checklist.template.questions.get(key="then-what"),
        description=description,
        due_on=timezone.localdate() + datetime.timedelta(days=due),
        status=status,
        closed_on=None if status == Action.Status.OPEN else timezone.localdate(),
    )


def section(html: str) -> str:
    """The "Your actions" part of the home page."""
    start = html.index('<h2 class="govuk-heading-m">Your actions</h2>')
    return html[start : html.index("</main>", start)]


def test_it_shows_up_to_five_open_actions_soonest_due_first_with_overdue_ones_flagged(
    client_for, fca, other_fca, draft, action_template
):
    for number, due in enumerate([12, -3, 4, 30, 1, 9, 20]):
        action_on(draft, f"Open action {number}", due=due)
    action_on(draft, "Closed action", due=-10, status=Action.Status.DONE)
    theirs = ChecklistFactory(template=action_template, author=other_fca)
    action_on(theirs, "Someone else's action", due=-5)

    html = section(client_for(fca).get(HOME).content.decode())

    shown = [f"Open action {number}" for number in (1, 4, 2, 5, 0)]
    assert [text for text in shown if text in html] == shown
    assert sorted(shown, key=html.index) == shown
    for hidden in ("Open action 3", "Open action 6", "Closed action", "Someone else's action"):
        assert hidden not in html
    assert "Overdue by 3 days" in html and html.count("Overdue by") == 1
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert f'href="{reverse("actions:list")}">See all 7 open actions</a>' in html
    assert "1 of your actions is overdue" in html
    overdue = Action.objects.get(description="Open action 1")
    assert f'href="{reverse("actions:detail", kwargs={"pk": overdue.pk})}?next=%2F"' in html


def test_closing_an_action_from_the_home_page_comes_back_to_it(client_for, fca, draft):
    action = action_on(draft, "Home and back")
    client = client_for(fca)

    response = client.post(
        reverse("actions:close", kwargs={"pk": action.pk}), {"status": "done", "revision": 1, "next": HOME}
    )

    assert response.status_code == 302 and response["Location"] == HOME
    action.refresh_from_db()
    assert action.status == Action.Status.DONE
    html = client.get(HOME).content.decode()
    assert "Action marked as done" in html
    assert "You have no open actions." in section(html)


def test_someone_whose_actions_are_all_closed_is_told_so_with_a_link_to_them(client_for, fca, draft):
    action_on(draft, "Finished the visit", status=Action.Status.DONE)
    action_on(draft, "Dropped the referral", status=Action.Status.NOT_NEEDED)

    html = section(client_for(fca).get(HOME).content.decode())

    assert "You have no open actions." in html
    assert f'href="{reverse("actions:list")}?show=all">See all your actions (2)</a>' in html
    assert "Finished the visit" not in html and "Dropped the referral" not in html


def test_someone_who_never_had_an_action_gets_one_line_on_what_they_are(client_for, fca):
    html = section(client_for(fca).get(HOME).content.decode())

    assert "The actions you add at the ‘Then What?’ step of a checklist will show here" in html
    assert "You have no open actions." not in html
    assert "See all" not in html


def test_the_home_page_takes_the_same_queries_for_few_or_many_actions(
    client_for, fca, draft, action_template, django_assert_num_queries
):
    client = client_for(fca)
    action_on(draft, "The only one", due=-1)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    for number in range(40):
        checklist = ChecklistFactory(template=action_template, author=fca)
        action_on(checklist, f"Open {number}", due=number - 20)
        action_on(checklist, f"Done {number}", status=Action.Status.DONE)
    with django_assert_num_queries(len(few)):
        html = client.get(HOME).content.decode()
    assert "See all 41 open actions" in html
    # The actions add two queries to the page: their counts, then the first five open ones.
    actions_queries = [query for query in few.captured_queries if "actions_action" in query["sql"]]
    assert len(actions_queries) == 2
