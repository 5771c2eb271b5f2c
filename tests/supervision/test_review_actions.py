"""Actions for supervisors: under their question on the review page, and counted per FCA on the team overview."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from checklists.models import Checklist
from tests.factories import ActionFactory, ChecklistFactory, QuestionFactory, StepFactory
from tests.supervision.support import build_template, make_checklist

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TEAM = reverse("supervision:team")


@pytest.fixture
def template(db):
    template = build_template()
    step = StepFactory(template=template, number=3, title="Then what?")
    QuestionFactory(template=template, step=step, key="then-what", text="What will you do next?", collects_actions=True)
    return template


def act(checklist, description, *, due_in=7, status=Action.Status.OPEN, **fields):
    return ActionFactory(
        checklist=checklist,
        question=checklist.template.questions.get(key="then-what"),
        description=description,
        due_on=TODAY + datetime.timedelta(days=due_in),
        status=status,
        closed_on=None if status == Action.Status.OPEN else TODAY,
        **fields,
    )


def review(client, checklist) -> str:
    response = client.get(reverse("supervision:review", kwargs={"pk": checklist.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_review_page_shows_each_action_under_its_question(client_for, fca, supervisor, template):
    checklist = make_checklist(fca, template)
    act(checklist, "Ask the school for attendance records", owner=Action.Owner.ME)
    act(checklist, "Share the police log", owner=Action.Owner.AGENCY, agency_role="Allocated social worker", due_in=-2)

    html = review(client_for(supervisor), checklist)

    row = html.split('id="question-then-what"', 1)[1].split("</dd>", 1)[0]
    assert "Ask the school for attendance records" in row and "Me" in row
    assert "Share the police log" in row and "Allocated social worker" in row
    assert "Overdue by 2 days" in row
    # Questions that take no actions say nothing about them.
    assert "Actions" not in html.split('id="question-what-happened"', 1)[1].split("</dd>", 1)[0]
    assert Action.objects.filter(checklist=checklist, status=Action.Status.OPEN).count() == 2


def test_the_review_page_says_when_no_action_was_added(client_for, fca, supervisor, template):
    checklist = make_checklist(fca, template)
    html = review(client_for(supervisor), checklist)
    assert "No actions added" in html.split('id="question-then-what"', 1)[1].split("</dd>", 1)[0]


def test_while_a_checklist_is_returned_its_actions_are_shown_as_they_stand_now(client_for, fca, supervisor, template):
    checklist = make_checklist(fca, template, status=Checklist.Status.RETURNED)
    act(checklist, "Visit the child at home")
    html = review(client_for(supervisor), checklist)
    assert "as they stand now" in html and "Visit the child at home" in html


def test_the_team_overview_counts_open_and_overdue_actions_per_practitioner(
    client_for, fca, other_fca, supervisor, south, template
):
    submitted = make_checklist(fca, template)
    act(submitted, "Open, due next week")
    act(submitted, "Overdue by a day", due_in=-1)
    act(submitted, "Due today, so not overdue", due_in=0)
    act(submitted, "Done already", due_in=-5, status=Action.Status.DONE)
    act(submitted, "Carried forward", due_in=-5, status=Action.Status.CARRIED_FORWARD)
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    act(signed_off, "Still open after sign-off", due_in=-10)
    # Drafts are private, and a checklist from another team is that team's supervisor's.
    act(make_checklist(fca, template, status=Checklist.Status.DRAFT), "In a draft", due_in=-3)
    act(
        ChecklistFactory(author=fca, team=south, template=template, status=Checklist.Status.SUBMITTED),
        "South",
        due_in=-3,
    )

    response = client_for(supervisor).get(TEAM)

    assert response.status_code == 200
    rows = {membership.user_id: membership for membership in response.context["page"].object_list}
    assert (rows[fca.pk].open_actions, rows[fca.pk].overdue_actions) == (4, 2)
    assert (rows[other_fca.pk].open_actions, rows[other_fca.pk].overdue_actions) == (0, 0)
    html = response.content.decode()
    assert "Open actions" in html and "Overdue actions" in html
    # Counts only: nothing an action says, nor its case, is on the overview.
    for words in ("Overdue by a day", "Still open after sign-off", submitted.case_reference, submitted.title):
        assert words not in html


def test_the_team_overview_counts_a_practitioners_actions_for_each_of_their_teams(
    client_for, fca, supervisor, north, south, template
):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    MembershipFactory(user=supervisor, team=south, role=Membership.Role.SUPERVISOR)
    MembershipFactory(user=fca, team=south, role=Membership.Role.PRACTITIONER)
    act(make_checklist(fca, template, team=north), "North one", due_in=-1)
    act(ChecklistFactory(author=fca, team=south, template=template, status=Checklist.Status.SUBMITTED), "South one")

    rows = client_for(supervisor).get(TEAM).context["page"].object_list
    counts = {(m.team.slug, m.user_id): (m.open_actions, m.overdue_actions) for m in rows}
    assert counts[("north", fca.pk)] == (1, 1)
    assert counts[("south", fca.pk)] == (1, 0)
