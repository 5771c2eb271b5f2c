"""Then What? in Chromium: an FCA adds two actions and submits; the supervisor sees them. A week
later the FCA starts a new reflection on the same case, carries one action forward and marks the
other done. axe-core on every new page, and the action form at phone width."""

import datetime

import pytest
from playwright.sync_api import expect

from actions.models import Action
from checklists.models import Checklist, ChecklistTemplate

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in
from .support import WSWTW, complete_answers, start_checklist

pytestmark = pytest.mark.django_db(transaction=True)

CASE = "ZE21P00401"
VISIT = "Visit the flat with the social worker to see where she sleeps"
HEALTH = "Ask about missed health appointments for the baby"


def action_step(checklist) -> int:
    return checklist.template.questions.filter(collects_actions=True).order_by("step__number").first().step.number


def add_action(page, description, *, who, role="", due):
    page.get_by_role("button", name="Add").first.click()
    expect(page.get_by_role("heading", name="Add an action")).to_be_visible()
    page.get_by_label("What will be done?").fill(description)
    page.get_by_label(who, exact=True).check()
    if role:
        page.get_by_label("Their role").fill(role)
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Action added")


def test_actions_are_added_reviewed_carried_forward_and_closed(new_page, content, fca, supervisor, console):
    template = ChecklistTemplate.objects.get(slug=WSWTW, status=ChecklistTemplate.Status.PUBLISHED)
    assert template.questions.filter(collects_actions=True).exists()
    checklist = start_checklist(fca, case_reference=CASE, title="Police call-out", answers=complete_answers())
    soon = datetime.date.today() + datetime.timedelta(days=5)

    # 1. Two actions on the Then What? step; the form at phone width, with axe on each state.
    page = new_page(width=320, height=720)
    sign_in(page, "fca")
    page.goto(checklist.get_step_url(action_step(checklist)))
    page.get_by_role("button", name="Add an action").click()
    check_axe(page, "add an action at 320px")
    assert_no_horizontal_scroll(page)
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what will be done")
    check_axe(page, "add an action, refused")
    page.go_back()
    add_action(page, VISIT, who="Me", due=soon)
    check_axe(page, "step with one action")
    add_action(page, HEALTH, who="Another agency", role="Health visitor", due=soon + datetime.timedelta(days=2))
    screenshot(page, "actions-on-a-step-320")
    assert sorted(Action.objects.filter(checklist=checklist).values_list("description", "agency_role")) == [
        (HEALTH, "Health visitor"),
        (VISIT, ""),
    ]

    # 2. A change saves as it is typed.
    page.get_by_role("button", name="Change action 1").click()
    check_axe(page, "change an action")
    page.get_by_label("What will be done?").fill(VISIT + " at bedtime")
    expect(page.locator("#action-status")).to_contain_text("Saved at")
    assert Action.objects.get(checklist=checklist, owner="me").description == VISIT + " at bedtime"

    # 3. Submitted; the supervisor sees both actions on the review page.
    page.goto(f"/checklists/{checklist.pk}/check/")
    expect(page.get_by_text(HEALTH)).to_be_visible()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(lambda url: "/submitted/" in url)
    assert Checklist.objects.get(pk=checklist.pk).status == Checklist.Status.SUBMITTED
    review = new_page()
    sign_in(review, "supervisor")
    review.goto(f"/supervision/{checklist.pk}/")
    expect(review.get_by_text(VISIT + " at bedtime")).to_be_visible()
    expect(review.get_by_text(HEALTH)).to_be_visible()
    check_axe(review, "review page with actions")

    # 4. A week later: a new reflection on the same case carries the visit forward.
    Checklist.objects.filter(pk=checklist.pk).update(created_at=checklist.created_at - datetime.timedelta(days=7))
    page = new_page()
    sign_in(page, "fca")
    page.goto("/checklists/start/")
    page.get_by_label(template.title).check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Case number").fill(CASE)
    page.get_by_label("Short title").fill("Follow-up after the call-out")
    page.get_by_role("button", name="Start the checklist").click()
    expect(page.get_by_role("heading", name="Actions from your last reflection on this case")).to_be_visible()
    check_axe(page, "step 1 with the last reflection's actions")
    page.get_by_label(VISIT + " at bedtime").check()
    page.get_by_role("button", name="Carry the selected actions into this checklist").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 action carried")
    later = Checklist.objects.exclude(pk=checklist.pk).get(author=fca, case_reference=CASE)
    carried = Action.objects.get(checklist=later)
    assert carried.description == VISIT + " at bedtime"
    assert carried.carried_from.status == Action.Status.CARRIED_FORWARD

    # 5. The health visitor's action is marked done from the person's actions.
    page.goto("/actions/")
    check_axe(page, "your actions")
    page.get_by_role("link", name=HEALTH).click()
    check_axe(page, "an action")
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    health = Action.objects.get(checklist=checklist, description=HEALTH)
    assert (health.status, health.closed_on) == (Action.Status.DONE, datetime.date.today())
    assert [error for error in console.errors if "status of 400" not in error] == []
