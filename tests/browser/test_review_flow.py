"""The supervisor's review in Chromium at phone width: a comment added in place on step 2, a
decision to sign off that is confirmed (after going back once), and a return with its reason;
then what the FCA sees. axe-core on every page and state, and no sideways scrolling at 320 px."""

import pytest
from playwright.sync_api import expect

from checklists import services
from checklists.models import Checklist, Comment

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in
from .support import complete_answers, start_checklist

pytestmark = pytest.mark.django_db(transaction=True)

STEP_COMMENT = "Say more about what the school told you about her tiredness."
NOTE = "A careful reflection.\nGood use of the school's view."
REASON = "Say how the drinking and the violence feed each other at night."


@pytest.fixture
def waiting(content, fca, supervisor):
    checklist = start_checklist(fca, case_reference="ZE21P00301", title="Police call-out", answers=complete_answers())
    services.submit(checklist=checklist, by=fca)
    return checklist


def phone(new_page, username):
    page = new_page(width=320, height=720)
    sign_in(page, username)
    return page


def looks_right(page, context):
    check_axe(page, context)
    assert_no_horizontal_scroll(page)


def test_a_supervisor_comments_in_place_then_signs_off_after_confirming(new_page, waiting, supervisor, console):
    page = phone(new_page, "supervisor")
    page.goto(f"/supervision/{waiting.pk}/")
    looks_right(page, "review page at 320px")
    page.evaluate("window.sameDocument = true")  # gone if the page reloads

    # 1. A comment on step 2, in place: first empty, which is refused beside the box.
    count = page.locator("#review-comment-count")
    expect(count).to_have_text("Comments (0)")
    step_two = page.locator("#step-2")
    step_two.get_by_text("Add a comment").click()
    step_two.get_by_role("button", name="Add comment on step 2").click()
    expect(step_two.locator(".govuk-error-message")).to_contain_text("Enter your comment")
    box = page.locator("#step-2-comment-body")
    expect(box).to_be_focused()
    looks_right(page, "comment refused in place")
    expect(count).to_have_text("Comments (0)")
    box.fill(STEP_COMMENT)
    step_two.get_by_role("button", name="Add comment on step 2").click()
    expect(step_two.locator(".app-comment")).to_contain_text(STEP_COMMENT)
    expect(step_two.locator(".app-comment")).to_contain_text("Step comment")
    expect(page.locator("#step-2-comment-added")).to_be_focused()
    # The page's count of comments, and what the Comments section says, follow without a reload.
    expect(count).to_have_text("Comments (1)")
    expect(page.locator("#review-comments-note")).to_contain_text("shown with that step's answers above")
    assert page.evaluate("window.sameDocument") is True
    comment = waiting.comments.get()
    assert (comment.body, comment.step.number, comment.kind) == (STEP_COMMENT, 2, Comment.Kind.COMMENT)
    looks_right(page, "comment added in place")
    screenshot(page, "review-comment-in-place-320")

    # 2. The decision: sign off, with a note, revealed under its radio.
    note_box = page.get_by_label("Note (optional)")
    expect(note_box).to_be_hidden()
    page.get_by_label("Sign off", exact=True).check()
    expect(note_box).to_be_visible()
    note_box.fill(NOTE)
    page.get_by_role("button", name="Continue").click()

    # 3. Are you sure? Nothing about the note in the address, and nothing changed yet.
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to sign off Police call-out?")
    assert page.url.endswith(f"/supervision/{waiting.pk}/sign-off/")
    expect(page.locator(".govuk-inset-text")).to_contain_text("Good use of the school's view.")
    waiting.refresh_from_db()
    assert waiting.status == Checklist.Status.SUBMITTED
    looks_right(page, "sign-off confirmation")
    screenshot(page, "sign-off-confirmation-320")

    # Going back keeps the choice and the note.
    page.get_by_role("link", name="Go back").click()
    expect(page.get_by_label("Sign off", exact=True)).to_be_checked()
    expect(note_box).to_have_value(NOTE)
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm and sign off").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("The checklist has been signed off.")
    waiting.refresh_from_db()
    assert waiting.status == Checklist.Status.SIGNED_OFF
    assert waiting.comments.get(kind=Comment.Kind.SIGN_OFF_NOTE).body == NOTE
    looks_right(page, "review page, signed off")

    # 4. The FCA sees who signed it off and when, and each comment labelled.
    fca_page = phone(new_page, "fca")
    fca_page.goto(waiting.get_absolute_url())
    expect(fca_page.get_by_text(f"Signed off by {supervisor} on")).to_be_visible()
    expect(fca_page.locator(".app-comment", has_text=NOTE.splitlines()[0])).to_contain_text("Sign-off note")
    expect(fca_page.locator(".app-comment", has_text=STEP_COMMENT)).to_contain_text("Step comment")
    looks_right(fca_page, "the FCA's checklist, signed off")
    # The refused comment was answered with a 400, which Chromium reports; nothing else may fail.
    assert [error for error in console.errors if "status of 400" not in error] == []


def test_a_supervisor_returns_a_checklist_with_a_reason(new_page, waiting, supervisor, console):
    page = phone(new_page, "supervisor")
    page.goto(f"/supervision/{waiting.pk}/")
    reason_box = page.get_by_label("What should they reflect on further?")
    expect(reason_box).to_be_hidden()
    page.get_by_label("Return for more reflection").check()
    expect(reason_box).to_be_visible()
    page.get_by_role("button", name="Continue").click()

    # A return needs a reason: the error summary takes focus and links to the box.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.get_by_label("Return for more reflection")).to_be_checked()
    looks_right(page, "return without a reason")
    page.locator(".govuk-error-summary a").first.click()
    expect(page.locator("#id_decision-return_reason")).to_be_focused()
    waiting.refresh_from_db()
    assert waiting.status == Checklist.Status.SUBMITTED

    page.locator("#id_decision-return_reason").fill(REASON)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("returned for more reflection")
    waiting.refresh_from_db()
    assert waiting.status == Checklist.Status.RETURNED
    reason = waiting.comments.get()
    assert (reason.body, reason.kind) == (REASON, Comment.Kind.RETURN_REASON)
    looks_right(page, "review page, returned")

    fca_page = phone(new_page, "fca")
    fca_page.goto(waiting.get_absolute_url())
    expect(fca_page.get_by_text(f"Returned by {supervisor} on")).to_be_visible()
    expect(fca_page.locator(".app-comment", has_text=REASON)).to_contain_text("Reason for returning")
    looks_right(fca_page, "the FCA's checklist, returned")
    assert [error for error in console.errors if "status of 400" not in error] == []
