"""Your actions in a browser: axe-core on the list, an action's page and the home page, at desktop and
phone widths; closing an action with and without JavaScript."""

import datetime

import pytest
from django.utils import timezone

from actions.models import Action
from checklists.models import Checklist
from tests.factories import ActionFactory, ChecklistFactory, QuestionFactory, StepFactory
from tests.supervision.support import build_template

from .conftest import sign_in
from .test_accessibility import DESKTOP, audit_as, unexpected

pytestmark = pytest.mark.django_db(transaction=True)


def days(number: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=number)


@pytest.fixture
def actions(fca):
    """fca's actions on a signed-off checklist and a draft: open (one overdue), done and no longer needed."""
    template = build_template()
    step = StepFactory(template=template, number=3, title="Then what?")
    question = QuestionFactory(template=template, step=step, key="then-what", collects_actions=True)
    signed_off = ChecklistFactory(
        template=template, author=fca, status=Checklist.Status.SIGNED_OFF, case_reference="ZE21P00301"
    )
    draft = ChecklistFactory(template=template, author=fca, case_reference="ZE21P00302")
    made = {}
    for key, checklist, description, due, status, extra in [
        ("overdue", signed_off, "Ask the school for attendance records", -3, Action.Status.OPEN, {}),
        ("soon", draft, "Share the police log with the local authority", 2, Action.Status.OPEN,
         {"owner": Action.Owner.AGENCY, "agency_role": "Allocated social worker"}),
        ("later", draft, "Talk through the referral in supervision", 20, Action.Status.OPEN,
         {"owner": Action.Owner.SUPERVISOR}),
        ("done", signed_off, "Visit the grandmother", -10, Action.Status.DONE, {"note": "She will help."}),
        ("dropped", signed_off, "Ask for a translator", -8, Action.Status.NOT_NEEDED, {"note": "Not needed now."}),
    ]:  # fmt: skip
        closed = days(-1) if status != Action.Status.OPEN else None
        made[key] = ActionFactory(
            checklist=checklist,
            question=question,
            description=description,
            due_on=days(due),
            status=status,
            closed_on=closed,
            **extra,
        )
    return made


def test_the_actions_pages_are_accessible_and_fit_a_phone(new_page, fca, other_fca, actions, console):
    audit = audit_as(new_page, "fca")
    audit.visit("/", "FCA home with actions", phone_axe=True, shot="home-actions")
    assert audit.page.get_by_text("Overdue by 3 days").count() == 1
    audit.visit("/actions/", "your actions, open", phone_axe=True, shot="actions")
    audit.visit("/actions/?show=overdue", "your actions, overdue", phone_axe=True)
    audit.visit("/actions/?show=done", "your actions, done", phone_axe=True, shot="actions-done")
    audit.visit(f"/actions/{actions['overdue'].pk}/", "an open action", phone_axe=True, shot="action")
    audit.visit(f"/actions/{actions['done'].pk}/", "a done action")

    # No reason for "no longer needed": the error summary, then the reason, and back to the list.
    page = audit.page
    page.goto(f"/actions/{actions['soon'].pk}/")
    page.get_by_role("radio", name="No longer needed").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector(".govuk-error-summary")
    audit.check("closing an action: error summary", phone_axe=True, shot="action-error")
    page.get_by_label("Why is it no longer needed?").fill("The family moved away.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(lambda url: url.endswith("/actions/"))
    assert page.get_by_text("Action marked as no longer needed.").count() == 1
    soon = Action.objects.get(pk=actions["soon"].pk)
    assert (soon.status, soon.note) == (Action.Status.NOT_NEEDED, "The family moved away.")

    empty = audit_as(new_page, "fca2")
    empty.visit("/actions/", "your actions, none yet", phone_axe=True, shot="actions-empty")
    empty.visit("/", "FCA home without actions")

    audit.assert_clean()
    empty.assert_clean()
    assert unexpected(console.errors) == []


def test_an_action_is_marked_done_without_javascript(chromium, live_server, fca, actions):
    context = chromium.new_context(java_script_enabled=False, viewport=DESKTOP, base_url=live_server.url)
    try:
        page = context.new_page()
        sign_in(page, "fca")
        page.goto("/")
        page.get_by_role("link", name="Ask the school for attendance records").click()
        page.get_by_label("Done", exact=True).check()
        page.get_by_label("Note (optional)").fill("The school sent them.")
        page.get_by_role("button", name="Save").click()
        # Back to the home page it came from, which now has no open action to show for that one.
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_text("Action marked as done").count() == 1
    finally:
        context.close()
    action = Action.objects.get(pk=actions["overdue"].pk)
    assert (action.status, action.note, action.closed_on) == (
        Action.Status.DONE,
        "The school sent them.",
        timezone.localdate(),
    )
