"""The workforce load finds actions on the pages the app renders, and closes one as a person would."""

import pytest
from django.urls import reverse

from actions.models import Action
from bench.workforce_pages import controls, mask, url_regex
from tests.factories import ActionFactory, ChecklistFactory, QuestionFactory, StepFactory

pytestmark = pytest.mark.django_db
SENTINEL = 987654321


def action_pattern(name: str) -> str:
    """As bench/workforce_targets.py makes the pattern of an action's page."""
    return reverse(name, kwargs={"pk": SENTINEL}).replace(str(SENTINEL), "{id}")


def test_the_load_finds_the_actions_on_the_list_reads_the_revision_and_marks_one_done(
    client_for, fca, walkthrough_template
):
    step = StepFactory(template=walkthrough_template, number=9, title="Then what?")
    question = QuestionFactory(template=walkthrough_template, step=step, key="then-what", collects_actions=True)
    checklist = ChecklistFactory(template=walkthrough_template, author=fca)
    actions = [ActionFactory(checklist=checklist, question=question) for _ in range(2)]
    client = client_for(fca)
    action_url = url_regex(action_pattern("actions:detail"))

    listed = client.get(reverse("actions:list")).content.decode()
    found = list(dict.fromkeys(match.group("id") for match in action_url.finditer(listed)))
    assert sorted(found) == sorted(str(action.pk) for action in actions)

    page = client.get(action_pattern("actions:detail").format(id=found[0])).content.decode()
    form = {c["name"]: c.get("value", "") for c in controls(page) if c.get("name")}
    assert form["revision"] == "1"
    close = action_pattern("actions:close").format(id=found[0])
    reply = client.post(close, {"status": "done", "revision": form["revision"], "next": reverse("actions:list")})

    assert reply.status_code == 302
    assert Action.objects.get(pk=found[0]).status == Action.Status.DONE
    # A second close (another locust user on the same account) is refused, which the load expects.
    assert client.post(close, {"status": "done", "revision": form["revision"]}).status_code == 409
    assert mask(close) == "/actions/<id>/close/"
