"""Supervision in a real browser: the queue, the review page and its forms, and the team overview,
at desktop and phone widths, with axe-core and no sideways scrolling."""

import pytest
from playwright.sync_api import expect

from checklists.models import Checklist, Comment
from tests.supervision.support import build_template, days_ago, make_checklist

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def waiting(fca, other_fca, supervisor):
    template = build_template()
    make_checklist(other_fca, template, submitted_at=days_ago(1))
    return make_checklist(fca, template, submitted_at=days_ago(12))


@pytest.mark.parametrize("width", [320, 1024])
def test_the_supervision_pages_are_accessible_at_any_width(new_page, waiting, console, width):
    page = new_page(width=width)
    sign_in(page, "supervisor")
    for path, name in [
        ("/supervision/", "queue"),
        ("/supervision/team/", "team"),
        (f"/supervision/{waiting.pk}/", "review"),
    ]:
        page.goto(path)
        check_axe(page, f"{name} at {width}px")
        assert_no_horizontal_scroll(page)
        screenshot(page, f"supervision-{name}-{width}")
    assert console.errors == []


def test_a_supervisor_returns_a_checklist_from_the_queue(page, waiting, console):
    sign_in(page, "supervisor")
    page.goto("/supervision/")
    assert page.locator(".govuk-tag--red", has_text="Overdue").count() == 1
    page.get_by_role("link", name=waiting.case_reference).click()
    page.get_by_label("Return for more reflection").check()
    page.get_by_role("button", name="Continue").click()
    # A return needs a reason: the error summary takes focus and links to the box.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    check_axe(page, "return without a reason")
    page.locator(".govuk-error-summary a").first.click()
    expect(page.locator("#id_decision-return_reason")).to_be_focused()
    page.fill("#id_decision-return_reason", "Say more about what the father told you.")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-notification-banner--success").is_visible()
    waiting.refresh_from_db()
    assert waiting.status == Checklist.Status.RETURNED
    assert waiting.comments.get().kind == Comment.Kind.RETURN_REASON
    # The refused form is answered with a 400, which Chromium reports; nothing else may fail.
    assert [error for error in console.errors if "status of 400" not in error] == []


def test_recording_a_discussion_with_a_future_date_keeps_what_was_typed_and_links_to_the_date(page, waiting):
    sign_in(page, "supervisor")
    page.goto(f"/supervision/{waiting.pk}/")
    discussed = page.get_by_role("group", name="Discussed in supervision")
    discussed.get_by_label("Day").fill("1")
    discussed.get_by_label("Month").fill("1")
    discussed.get_by_label("Year").fill("2999")
    page.get_by_role("button", name="Record the discussion").click()
    assert page.get_by_text("The date must be today or in the past").first.is_visible()
    assert discussed.get_by_label("Year").input_value() == "2999"
    # The error summary's link puts focus in the date's first box.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.locator(".govuk-error-summary a").first.click()
    expect(discussed.get_by_label("Day")).to_be_focused()
    check_axe(page, "discussion date error")
    waiting.refresh_from_db()
    assert waiting.discussed_on is None
