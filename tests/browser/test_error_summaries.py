"""Error summaries take focus when the page loads, and each of their links puts focus on the field it
names: a text box, the first radio of a group, or the first checkbox of a group."""

import re

import pytest
from playwright.sync_api import expect

from checklists.models import Checklist

from .conftest import sign_in
from .support import JOURNEY_ANSWERS, active, complete_answers, start_checklist

pytestmark = pytest.mark.django_db(transaction=True)

# Step 2 has a text question, a radio question and a checkbox question, all required.
FIELDS = {
    "What is the evidence for this concern or information?": ("q-evidence", "textarea", "", ""),
    "Is this new, unreported or previously unknown information?": ("q-is-new", "input", "radio", "new"),
    "Which sources have you checked, rather than relying on self-report?": (
        "q-sources-checked",
        "input",
        "checkbox",
        "police-checks",
    ),
}


def assert_focus_on(page, expected) -> None:
    field_id, tag, kind, value = expected
    expect(page.locator(f"#{field_id}")).to_be_focused()
    focused = active(page)
    assert (focused["id"], focused["tag"], focused["type"], focused["value"]) == (field_id, tag, kind, value)


@pytest.fixture
def missing_step_two(content, fca):
    answers = {key: value for key, value in complete_answers().items() if key not in JOURNEY_ANSWERS[2]}
    return start_checklist(fca, case_reference="ZE21P00321", answers=answers)


def test_the_submit_error_summary_takes_focus_and_its_links_focus_the_field_radio_or_checkbox(
    page, missing_step_two, console
):
    checklist = missing_step_two
    sign_in(page, "fca")
    for question, expected in FIELDS.items():
        page.goto(f"/checklists/{checklist.pk}/check/")
        page.get_by_role("button", name="Submit for review").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary.get_by_role("heading")).to_have_text("Answer 4 more questions before you submit")
        expect(page.locator(".govuk-error-summary")).to_be_focused()
        summary.get_by_role("link", name=f"Answer ‘{question}’ (step 2)").click()
        expect(page).to_have_url(re.compile(re.escape(f"{checklist.get_step_url(2)}#{expected[0]}") + "$"))
        assert_focus_on(page, expected)
    assert Checklist.objects.get().status == Checklist.Status.DRAFT

    # The step itself lists what is missing, and its own links focus each field in turn.
    page.goto(checklist.get_step_url(2))
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(4)
    for question, expected in FIELDS.items():
        summary.get_by_role("link", name=question[:30]).click()
        assert_focus_on(page, expected)
        expect(page.locator(f"#{expected[0]}")).to_be_in_viewport()
    # The refused submit is answered with a 400, which Chromium reports; nothing else may fail.
    assert [error for error in console.errors if "status of 400" not in error] == []


def test_the_case_details_error_summary_takes_focus_and_its_links_focus_each_box(page, content, fca, console):
    sign_in(page, "fca")
    page.goto("/checklists/start/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.locator(".govuk-error-summary").get_by_role("link", name="Choose which checklist you want to start").click()
    assert_focus_on(page, ("template", "input", "radio", "what-so-what-then-what"))

    page.goto("/checklists/start/what-so-what-then-what/")
    page.get_by_label("Case number").fill("Jane Smith")
    page.get_by_role("button", name="Start the checklist").click()
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a case number, like ZE21P00123")
    expect(summary).to_contain_text("Enter a short title")
    # By keyboard: from the summary, Tab to its first link and press Enter.
    page.keyboard.press("Tab")
    assert active(page)["text"].startswith("Enter a case number")
    page.keyboard.press("Enter")
    assert_focus_on(page, ("case_reference", "input", "text", "Jane Smith"))
    summary.get_by_role("link", name="Enter a short title").click()
    assert_focus_on(page, ("title", "input", "text", ""))
    assert Checklist.objects.count() == 0
    assert [error for error in console.errors if "status of 400" not in error] == []
