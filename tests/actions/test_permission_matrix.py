"""The permission matrix for actions: every actions URL, for every kind of person, checked in the database.

As in tests/checklists/test_permission_matrix.py: a refused attempt changes nothing at all, an
allowed read changes nothing but the timeline's record of a look by someone other than the author,
and an allowed write makes exactly the change the row describes. A test at the end fails when a
URL is added to actions/urls.py without a row here.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from actions import urls as action_urls
from actions.models import Action
from checklists.models import Answer, Checklist, Event
from tests.checklists.test_permission_matrix import PERSONAS, codes
from tests.factories import ActionFactory, QuestionFactory, StepFactory
from tests.supervision.support import build_template, make_checklist

pytestmark = pytest.mark.django_db

D, S, R, SO = Checklist.Status.DRAFT, Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF
NEXT_WEEK = timezone.localdate() + datetime.timedelta(days=7)


def added(pk, user):
    return Action.objects.filter(checklist_id=pk, description="Added by the matrix").count() == 1


def changed(pk, user):
    return Action.objects.get(checklist_id=pk).description == "Changed by the matrix"


def removed(pk, user):
    return not Action.objects.filter(checklist_id=pk).exists()


def closed(pk, user):
    return Action.objects.get(checklist_id=pk).status == Action.Status.DONE


@dataclass
class Row:
    name: str
    method: str
    state: str
    expected: dict
    writes: dict = field(default_factory=dict)
    records: bool = False  # an allowed look by someone other than the author is on the timeline

    @property
    def id(self):
        return f"{self.method} {self.name} {self.state}"


ROWS = [
    Row("actions:add", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 403)),
    Row("actions:add", "POST", D, codes(302, 302, 404, 404, 404, 404, 404, 403), writes={"fca": added}),
    Row("actions:add", "GET", S, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("actions:add", "POST", S, codes(302, 409, 404, 404, 403, 404, 404, 403)),
    Row("actions:add", "POST", R, codes(302, 302, 404, 404, 403, 404, 404, 403), writes={"fca": added}),
    Row("actions:add", "POST", SO, codes(302, 409, 404, 404, 403, 404, 404, 403)),
    Row("actions:change", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 403)),
    Row("actions:change", "POST", D, codes(302, 302, 404, 404, 404, 404, 404, 403), writes={"fca": changed}),
    Row("actions:change", "GET", S, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("actions:change", "POST", S, codes(302, 409, 404, 404, 403, 404, 404, 403)),
    Row("actions:change", "POST", SO, codes(302, 409, 404, 404, 403, 404, 404, 403)),
    Row("actions:remove", "GET", D, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row("actions:remove", "POST", D, codes(302, 302, 404, 404, 404, 404, 404, 403), writes={"fca": removed}),
    Row("actions:remove", "POST", S, codes(302, 409, 404, 404, 403, 404, 404, 403)),
    # Following actions up: the author's own, whatever the checklist's status; nobody else's, not even a superuser's.
    Row("actions:list", "GET", D, codes(302, 200, 200, 200, 200, 200, 200, 200)),
    Row("actions:detail", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 404)),
    Row("actions:detail", "GET", S, codes(302, 200, 404, 404, 404, 404, 404, 404)),
    Row("actions:close", "GET", D, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row("actions:close", "POST", D, codes(302, 302, 404, 404, 404, 404, 404, 404), writes={"fca": closed}),
    Row("actions:close", "POST", S, codes(302, 302, 404, 404, 404, 404, 404, 404), writes={"fca": closed}),
    Row("actions:close", "POST", SO, codes(302, 302, 404, 404, 404, 404, 404, 404), writes={"fca": closed}),
    # A case's reflections: whoever may see the checklist, by visible_to; a look by anyone else is recorded.
    Row("actions:case", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 200), records=True),
    Row("actions:case", "GET", S, codes(302, 200, 404, 404, 200, 404, 404, 200), records=True),
    Row("actions:case", "GET", R, codes(302, 200, 404, 404, 200, 404, 404, 200), records=True),
    Row("actions:case", "GET", SO, codes(302, 200, 404, 404, 200, 404, 404, 200), records=True),
    Row("actions:case", "POST", S, codes(302, 405, 405, 405, 405, 405, 405, 405)),
]


def action_template():
    template = build_template()
    step = StepFactory(template=template, number=3, title="Then what?")
    QuestionFactory(template=template, step=step, key="then-what", text="What will you do next?", collects_actions=True)
    return template


def post_data(row, action):
    due = {"due_on.day": NEXT_WEEK.day, "due_on.month": NEXT_WEEK.month, "due_on.year": NEXT_WEEK.year}
    if row.name == "actions:add":
        return {"description": "Added by the matrix", "owner": "me", **due}
    if row.name == "actions:change":
        return {"description": "Changed by the matrix", "owner": "me", "revision": action.revision, **due}
    if row.name == "actions:close":
        return {"status": "done", "revision": action.revision}
    return {"revision": action.revision}


def url_for(row, checklist, action):
    if row.name == "actions:add":
        return reverse(row.name, kwargs={"pk": checklist.pk, "key": "then-what"})
    if row.name == "actions:list":
        return reverse(row.name)
    if row.name == "actions:case":
        return reverse(row.name, kwargs={"pk": checklist.pk})
    if row.name in ("actions:detail", "actions:close"):
        return reverse(row.name, kwargs={"pk": action.pk})
    return reverse(row.name, kwargs={"pk": checklist.pk, "action_pk": action.pk})


def full_state(pk):
    return {
        "checklist": Checklist.objects.filter(pk=pk).values().first(),
        "answers": sorted(Answer.objects.filter(checklist_id=pk).values_list("question_id", "value", "revision")),
        "actions": sorted(Action.objects.values_list("id", "description", "status", "revision", "due_on")),
        "events": sorted(Event.objects.filter(checklist_id=pk).values_list("id", "kind", "actor_id")),
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_the_actions_permission_matrix(row, persona, request, client_for, fca, supervisor):
    template = action_template()
    checklist = make_checklist(fca, template, status=row.state)
    action = ActionFactory(checklist=checklist, question=template.questions.get(key="then-what"))
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    before = full_state(checklist.pk)
    url = url_for(row, checklist, action)
    response = client.get(url) if row.method == "GET" else client.post(url, post_data(row, action))

    expected = row.expected[persona]
    assert response.status_code == expected, f"{row.id} as {persona}: got {response.status_code}, expected {expected}"
    if persona == "anonymous":
        assert "/login/" in response["Location"]
    if persona in row.writes:
        assert row.writes[persona](checklist.pk, user), f"{row.id} as {persona} did not make its change"
    elif row.records and expected == 200 and persona != "fca":
        after = full_state(checklist.pk)
        added_events = [event for event in after["events"] if event not in before["events"]]
        assert [(kind, actor) for _, kind, actor in added_events] == [(Event.Kind.VIEWED, user.pk)]
        assert {**after, "events": None} == {**before, "events": None}
    else:
        assert full_state(checklist.pk) == before, f"{row.id} as {persona} changed the database"


def test_every_actions_url_is_in_the_matrix():
    covered = {row.name for row in ROWS}
    for pattern in action_urls.urlpatterns:
        assert f"actions:{pattern.name}" in covered, f"actions:{pattern.name} has no row in the matrix"
