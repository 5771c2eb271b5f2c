"""The checklist walkthrough in a real browser: autosave, conflicts between tabs, signing out mid-answer,
focus from error links, phone width and accessibility."""

import pytest
from playwright.sync_api import expect

from checklists.models import Answer, Checklist
from tests.checklists.walkthrough_support import build_walkthrough_template, guidance  # noqa: F401
from tests.factories import ChecklistFactory

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checklist(fca, guidance):  # noqa: F811 - the fixture imported above
    template = build_walkthrough_template(guidance)
    return ChecklistFactory(author=fca, template=template, case_reference="ZE21P00123", title="Police call-out")


def step(checklist, number):
    return f"/checklists/{checklist.pk}/steps/{number}/"


def saved(checklist, key):
    answer = Answer.objects.filter(checklist=checklist, question__key=key).first()
    return answer.value if answer else None


def wait_for_revision(page, key, revision):
    # Read the database only once the page has the server's reply, never while it is writing.
    expect(page.locator(f"#revision-{key}")).to_have_value(str(revision))


def open_step(page, checklist, number):
    page.goto(step(checklist, number))
    page.wait_for_load_state("networkidle")


def test_answers_save_as_you_type_and_nothing_is_kept_in_the_browser(page, fca, checklist, console):
    sign_in(page, "fca")
    open_step(page, checklist, 1)
    page.fill("#q-what-happened", "A neighbour called the police.")
    status = page.locator("#status-what-happened")
    status.get_by_text("Saved at").wait_for()
    assert saved(checklist, "what-happened") == "A neighbour called the police."
    page.check("#q-risk-factors")
    page.check("#q-risk-factors\\.2")
    wait_for_revision(page, "risk-factors", 2)
    assert saved(checklist, "risk-factors") == "domestic-abuse\nsubstance-misuse"
    page.fill("#q-when", "27")
    page.fill("#q-when\\.month", "3")
    page.fill("#q-when\\.year", "2026")
    page.wait_for_timeout(300)
    assert page.input_value("#revision-when") == "0"  # not saved while the date is still being typed
    page.get_by_role("button", name="Save and continue").focus()
    page.locator("#status-when").get_by_text("Saved at").wait_for()
    assert saved(checklist, "when") == "2026-03-27"
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    # The prompt set off by two risks shows on the next step.
    open_step(page, checklist, 2)
    assert page.locator(".app-guidance-panel").get_by_text("Interacting risks").first.is_visible()
    check_axe(page, "checklist step")
    screenshot(page, "checklist-step")
    assert console.errors == []


def test_a_save_from_a_stale_tab_shows_both_versions_and_loses_nothing(new_page, fca, checklist):
    first = new_page()
    sign_in(first, "fca")
    second = new_page(context=first.context)
    open_step(first, checklist, 1)
    open_step(second, checklist, 1)

    first.fill("#q-what-happened", "Written in the first tab")
    first.locator("#status-what-happened").get_by_text("Saved at").wait_for()
    second.fill("#q-what-happened", "Written in the second tab")
    conflict = second.locator("#status-what-happened .app-conflict")
    conflict.wait_for()
    assert "Written in the first tab" in conflict.inner_text()
    assert "Written in the second tab" in conflict.inner_text()
    assert second.input_value("#q-what-happened") == "Written in the second tab"
    assert saved(checklist, "what-happened") == "Written in the first tab"
    check_axe(second, "autosave conflict")
    screenshot(second, "checklist-conflict")

    second.locator("#status-what-happened").get_by_role("button", name="Keep my version").click()
    second.locator("#status-what-happened").get_by_text("Saved at").wait_for()
    assert saved(checklist, "what-happened") == "Written in the second tab"

    # The first tab is now the stale one; it can take the saved version instead.
    first.type("#q-what-happened", " and more")
    first.locator("#status-what-happened .app-conflict").wait_for()
    first.locator("#status-what-happened").get_by_role("button", name="Use the saved version").click()
    assert first.input_value("#q-what-happened") == "Written in the second tab"
    first.type("#q-what-happened", ", then edited")
    first.locator("#status-what-happened").get_by_text("Saved at").wait_for()
    assert saved(checklist, "what-happened") == "Written in the second tab, then edited"


def test_a_save_after_signing_out_fails_visibly_and_succeeds_after_signing_in_again(new_page, fca, checklist):
    page = new_page()
    sign_in(page, "fca")
    open_step(page, checklist, 1)
    other_tab = new_page(context=page.context)
    other_tab.goto("/")
    other_tab.get_by_role("button", name="Sign out").click()

    page.fill("#q-what-happened", "Typed after being signed out")
    status = page.locator("#status-what-happened")
    status.get_by_text("you have been signed out").wait_for()
    assert status.get_by_role("link", name="Sign in again in a new tab").is_visible()
    assert page.input_value("#q-what-happened") == "Typed after being signed out"
    assert saved(checklist, "what-happened") is None
    # A full-page submit now would lose the text on the way to the sign-in page, so it is held back.
    page.get_by_role("button", name="Save and continue").click()
    assert page.url.endswith(step(checklist, 1))

    sign_in(other_tab, "fca")
    page.bring_to_front()
    status.get_by_role("button", name="Try again").click()
    status.get_by_text("Saved at").wait_for()
    assert saved(checklist, "what-happened") == "Typed after being signed out"
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]


def test_error_links_take_focus_to_the_first_radio_or_checkbox(page, fca, checklist):
    sign_in(page, "fca")
    page.goto(f"/checklists/{checklist.pk}/check/")
    page.get_by_role("button", name="Submit for review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name="Which of these risk factors").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#q-risk-factors")).to_be_focused()
    assert page.evaluate("document.activeElement.type") == "checkbox"
    summary = page.locator(".govuk-error-summary")
    summary.get_by_role("link", name="Answer this question").first.click()
    expect(page.locator("#q-what-happened")).to_be_focused()
    check_axe(page, "step with errors")
    assert Checklist.objects.get().status == Checklist.Status.DRAFT


def test_the_step_page_fits_a_phone(new_page, fca, checklist):
    page = new_page(width=320, height=640)
    sign_in(page, "fca")
    open_step(page, checklist, 2)
    assert_no_horizontal_scroll(page)
    # The guidance panel stacks below the questions.
    question_top = page.locator("#q-safe-now").bounding_box()["y"]
    panel_top = page.locator(".app-guidance-panel").bounding_box()["y"]
    assert panel_top > question_top
    screenshot(page, "checklist-step-phone")
    for url in ("/checklists/", f"/checklists/{checklist.pk}/", f"/checklists/{checklist.pk}/check/", "/"):
        page.goto(url)
        assert_no_horizontal_scroll(page)
        check_axe(page, url)
