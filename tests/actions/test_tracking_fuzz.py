"""Your actions, fuzzed: any filter or page, and any close form, is never a 5xx; a refused close changes nothing."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from actions.models import Action
from tests.factories import ActionFactory, ChecklistFactory
from tests.test_hardening_fuzz import anything, fuzz, get, junk, junk_params, mostly, numbers, pages, post

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def mine(client_for, fca, action_template):
    checklist = ChecklistFactory(template=action_template, author=fca)
    question = action_template.questions.get(key="then-what")
    for due in (-3, 0, 5):
        ActionFactory(checklist=checklist, question=question, due_on=TODAY + datetime.timedelta(days=due))
    return client_for(fca), checklist, question


@fuzz(30)
@given(show=anything("open", "overdue", "done", "all"), page=pages, extra=junk_params())
def test_it_never_fails_on_any_filter_or_page(mine, show, page, extra):
    client, _, _ = mine
    response = get(client, "/actions/", {**extra, "show": show, "page": page})
    assert response.status_code == 200


close_forms = st.fixed_dictionaries(
    {
        "status": mostly("done", "not_needed"),
        "done_on.day": mostly(str(TODAY.day), ""),
        "done_on.month": mostly(str(TODAY.month), ""),
        "done_on.year": mostly(str(TODAY.year), ""),
        "done_note": mostly("", "It went well."),
        "reason": mostly("The family moved away.", ""),
        "revision": mostly("1"),
        "next": st.one_of(st.sampled_from(["/", "/actions/?show=overdue", "https://evil.example/", "//evil"]), junk),
    }
)


@fuzz(50)
@given(form=close_forms, extra=junk_params(), pk=st.one_of(st.just("mine"), numbers))
def test_it_never_fails_on_any_close_form_and_a_refused_one_changes_nothing(mine, form, extra, pk):
    client, checklist, question = mine
    action = ActionFactory(checklist=checklist, question=question)
    target = action.pk if pk == "mine" else pk
    path = f"/actions/{target}/close/"
    before = list(Action.objects.order_by("pk").values_list("pk", "status", "note", "closed_on", "revision"))

    response = post(client, path, {**extra, **form})

    assert response.status_code in (302, 400, 404, 409)
    if response.status_code == 302:
        assert response["Location"].startswith("/") and not response["Location"].startswith("//")
        # The action closed: this one, or one of the person's others that a drawn number named.
        closed = Action.objects.get(pk=int(target))
        assert closed.status in (Action.Status.DONE, Action.Status.NOT_NEEDED)
        assert len(closed.note) <= 500 and "\x00" not in closed.note
    else:
        after = list(Action.objects.order_by("pk").values_list("pk", "status", "note", "closed_on", "revision"))
        assert after == before
