"""Progress in a real browser: the step list as answers are typed, exclusive "none" options, keeping both
versions of a conflict, and the summary cards of check your answers."""

import pytest
from playwright.sync_api import expect

from checklists.models import Answer, Question
from checklists.walkthrough import BOTH_VERSIONS_MARKER
from tests.checklists.walkthrough_support import RISK_CHOICES, build_walkthrough_template, guidance  # noqa: F401
from tests.factories import ChecklistFactory

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checklist(fca, guidance):  # noqa: F811 - the fixture imported above
    template = build_walkthrough_template(guidance)
    Question.objects.filter(key="risk-factors").update(
        choices=[*RISK_CHOICES, {"value": "none-of-these", "label": "None of these"}]
    )
    return ChecklistFactory(author=fca, template=template, case_reference="ZE21P00123", title="Police call-out")


def saved(checklist, key):
    answer = Answer.objects.filter(checklist=checklist, question__key=key).first()
    return answer.value if answer else None


def store(checklist, key, value):
    question = checklist.template.questions.get(key=key)
    Answer.objects.create(checklist=checklist, question=question, value=value, revision=1)


def open_step(page, checklist, number):
    page.goto(checklist.get_step_url(number))
    page.wait_for_load_state("networkidle")


def test_the_step_list_changes_as_answers_are_typed(page, fca, checklist, console):
    store(checklist, "safe-now", "no")
    store(checklist, "next-steps", "Speak to my supervisor today.")
    sign_in(page, "fca")
    open_step(page, checklist, 1)
    tasks = page.locator("#step-task-list")
    expect(tasks.locator("#step-1-status")).to_have_text("Not started")
    expect(tasks.locator("#step-2-status")).to_have_text("Completed")
    expect(tasks.locator("#check-status")).to_have_text("Cannot start yet")
    expect(tasks.locator("#check-hint")).to_have_text("Answer 2 more required questions first")
    expect(tasks.get_by_role("link", name="Check your answers and submit")).to_have_count(0)

    page.locator("#q-what-happened").press_sequentially("A neighbour called the police.")
    expect(tasks.locator("#step-1-status")).to_have_text("In progress")
    expect(tasks.locator("#step-1-hint")).to_have_text("1 required question not answered")
    expect(tasks.locator("#check-hint")).to_have_text("Answer 1 more required question first")
    check_axe(page, "step list in progress")

    page.check("#q-risk-factors")
    expect(tasks.locator("#step-1-status")).to_have_text("Completed")
    expect(tasks.locator("#step-1-hint")).to_have_count(0)
    expect(tasks.locator("#check-status")).to_have_text("Not started")
    link = tasks.get_by_role("link", name="Check your answers and submit")
    expect(link).to_be_visible()
    assert saved(checklist, "risk-factors") == "domestic-abuse"

    # Clearing a required answer puts the step back in progress.
    page.uncheck("#q-risk-factors")
    expect(tasks.locator("#step-1-status")).to_have_text("In progress")
    expect(tasks.locator("#check-status")).to_have_text("Cannot start yet")
    screenshot(page, "progress-step-list")
    assert console.errors == []


def test_ticking_none_clears_the_risk_factors_and_a_risk_factor_clears_none(page, fca, checklist, console):
    sign_in(page, "fca")
    open_step(page, checklist, 1)
    group = page.locator("#question-risk-factors")
    expect(group.locator(".govuk-checkboxes__divider")).to_have_text("or")
    page.check("#q-risk-factors")
    page.check("#q-risk-factors\\.2")
    expect(page.locator("#revision-risk-factors")).to_have_value("2")
    assert saved(checklist, "risk-factors") == "domestic-abuse\nsubstance-misuse"

    page.check("#q-risk-factors\\.4")  # None of these
    expect(page.locator("#q-risk-factors")).not_to_be_checked()
    expect(page.locator("#q-risk-factors\\.2")).not_to_be_checked()
    expect(page.locator("#revision-risk-factors")).to_have_value("3")
    assert saved(checklist, "risk-factors") == "none-of-these"

    page.check("#q-risk-factors\\.3")
    expect(page.locator("#q-risk-factors\\.4")).not_to_be_checked()
    expect(page.locator("#revision-risk-factors")).to_have_value("4")
    assert saved(checklist, "risk-factors") == "parental-mental-health"
    check_axe(page, "exclusive checkboxes")
    assert console.errors == []


def test_keep_both_joins_the_two_texts_after_an_autosave_conflict(new_page, fca, checklist):
    first = new_page()
    sign_in(first, "fca")
    second = new_page(context=first.context)
    open_step(first, checklist, 1)
    open_step(second, checklist, 1)
    first.fill("#q-what-happened", "Written in the first tab.")
    expect(first.locator("#status-what-happened")).to_contain_text("Saved at")
    second.fill("#q-what-happened", "Written in the second tab.")
    status = second.locator("#status-what-happened")
    expect(status.locator(".app-conflict")).to_be_visible()
    buttons = status.get_by_role("button")
    expect(buttons).to_contain_text(["Keep my version", "Use the saved version", "Keep both versions"])
    check_axe(second, "conflict with keep both")

    status.get_by_role("button", name="Keep both versions").click()
    joined = f"Written in the second tab.\n\n{BOTH_VERSIONS_MARKER}\n\nWritten in the first tab."
    expect(status).to_contain_text("Saved at")
    expect(second.locator("#q-what-happened")).to_have_value(joined)
    expect(second.locator("#q-what-happened")).to_be_focused()
    assert saved(checklist, "what-happened") == joined
    expect(second.locator("#revision-what-happened")).to_have_value("2")
    # Typing on builds on the joined answer.
    second.locator("#q-what-happened").press("Control+End")
    second.locator("#q-what-happened").press_sequentially(" Both agree.")
    expect(second.locator("#revision-what-happened")).to_have_value("3")
    assert saved(checklist, "what-happened") == f"{joined} Both agree."


def test_keep_both_without_javascript(chromium, live_server, new_page, fca, checklist):
    plain = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        no_js = plain.new_page()
        sign_in(no_js, "fca")
        no_js.goto(checklist.get_step_url(1))
        store(checklist, "what-happened", "Saved from the other tab.")
        no_js.locator("#q-what-happened").fill("Typed without JavaScript.")
        no_js.get_by_role("button", name="Save and continue").click()
        expect(no_js.locator(".govuk-error-summary")).to_contain_text("choose which version to keep")
        no_js.get_by_role("button", name="Keep both versions of ‘What is the new information?’").click()
        expect(no_js.get_by_text("Both versions have been kept in one answer.")).to_be_visible()
        joined = f"Typed without JavaScript.\n\n{BOTH_VERSIONS_MARKER}\n\nSaved from the other tab."
        expect(no_js.locator("#q-what-happened")).to_have_value(joined)
        assert saved(checklist, "what-happened") == joined
    finally:
        plain.close()


def test_check_your_answers_has_a_full_width_summary_card_per_step(new_page, fca, checklist):
    store(checklist, "what-happened", "A long account of what happened. " * 30)
    store(checklist, "risk-factors", "domestic-abuse")
    store(checklist, "summary", "In a line")
    page = new_page(width=1280)
    sign_in(page, "fca")
    page.goto(f"/checklists/{checklist.pk}/check/")
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(4)
    expect(cards.locator(".govuk-summary-card__title")).to_have_text(
        [
            "The case",
            "1. What? The information",
            "2. So What? What it means for the child",
            "3. Then What? Options and actions",
        ]
    )
    expect(page.locator("#step-1-status")).to_have_text("Completed")
    expect(page.locator("#step-2-status")).to_contain_text("In progress")
    expect(page.locator("#step-3-status")).to_contain_text("Not started")
    # As wide as the page's content, not two thirds of it.
    width = page.locator("#step-1").bounding_box()["width"]
    content_width = page.locator(".govuk-width-container").first.bounding_box()["width"]
    assert width > content_width * 0.9
    check_axe(page, "check your answers")
    screenshot(page, "progress-check-answers")


@pytest.mark.parametrize("where", ["step", "check"])
def test_progress_pages_fit_a_phone(new_page, fca, checklist, where):
    store(checklist, "what-happened", "A long account with a long word: " + "safeguarding" * 8)
    page = new_page(width=320, height=640)
    sign_in(page, "fca")
    page.goto(checklist.get_step_url(1) if where == "step" else f"/checklists/{checklist.pk}/check/")
    page.wait_for_load_state("networkidle")
    assert_no_horizontal_scroll(page)
    check_axe(page, f"{where} at 320px")
    screenshot(page, f"progress-{where}-phone")
