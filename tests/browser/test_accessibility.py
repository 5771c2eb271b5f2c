"""axe-core (WCAG 2.2 A and AA) on every page type, for each role that can see it, and no sideways
scrolling at 320px. Guidance and case-study pages are audited the same way in test_guidance.py,
and the sign-in page in test_foundation.py; here they are seen again by supervisors and editors,
whose navigation differs."""

import re
import uuid
from urllib.parse import urlparse

import pytest

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in
from .support import checklists_in_every_state

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1024, "height": 900}
PHONE = {"width": 320, "height": 640}
# Chromium reports every 4xx or 5xx document it is sent; the tests ask for those on purpose.
EXPECTED_STATUS = re.compile(r"the server responded with a status of (400|403|404|500)\b")


class Audit:
    """Checks each page at desktop width with axe-core, then at 320px for sideways scrolling.

    Problems are gathered, not raised one by one, so a single run lists every page that fails.
    """

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.seen: list[str] = []

    def visit(self, url: str, name: str, *, status: int = 200, **options) -> None:
        response = self.page.goto(url)
        assert response.status == status, f"{name}: {url} answered {response.status}, not {status}"
        assert urlparse(self.page.url).path == urlparse(url).path, f"{name}: {url} went to {self.page.url}"
        self.check(name, **options)

    def check(self, name: str, *, phone_axe: bool = False, shot: str = "") -> None:
        """The page as it is now. `phone_axe` runs axe again at 320px; `shot` saves a phone screenshot."""
        self.seen.append(name)
        self._collect(check_axe, self.page, f"{name} at {DESKTOP['width']}px")
        self.page.set_viewport_size(PHONE)
        try:
            self._collect(assert_no_horizontal_scroll, self.page)
            if phone_axe:
                self._collect(check_axe, self.page, f"{name} at {PHONE['width']}px")
            if shot:
                screenshot(self.page, f"phone-{shot}")
        finally:
            self.page.set_viewport_size(DESKTOP)

    def _collect(self, check, *args) -> None:
        try:
            check(*args)
        except AssertionError as problem:
            self.problems.append(f"{self.seen[-1]}: {problem}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def audit_as(new_page, username: str) -> Audit:
    page = new_page(**DESKTOP)
    sign_in(page, username)
    return Audit(page)


def unexpected(errors: list[str]) -> list[str]:
    return [error for error in errors if not EXPECTED_STATUS.search(error)]


def test_every_page_an_fca_sees_is_accessible_and_fits_a_phone(new_page, content, fca, other_fca, supervisor, console):
    made = checklists_in_every_state(fca, supervisor)
    prompting, complete, submitted = made["prompting"], made["complete"], made["submitted"]
    audit = audit_as(new_page, "fca")
    page = audit.page

    audit.visit("/", "FCA home with checklists", phone_axe=True, shot="home")
    audit.visit("/checklists/", "checklists list", shot="checklists")
    audit.visit("/checklists/?status=signed_off&case=ZZ99", "checklists list, no matches")
    audit.visit("/checklists/start/", "start a checklist", phone_axe=True, shot="start")
    audit.visit("/checklists/start/what-so-what-then-what/", "case details")
    audit.visit(prompting.get_step_url(4), "step page with a prompt", phone_axe=True, shot="step-with-prompt")
    audit.visit(made["returned"].get_step_url(4), "returned step with the supervisor's comment", phone_axe=True)
    audit.visit(f"/checklists/{complete.pk}/check/", "check answers", phone_axe=True, shot="check-answers")
    audit.visit(f"/checklists/{complete.pk}/details/", "change the case details")
    audit.visit(f"/checklists/{complete.pk}/delete/", "delete confirmation", shot="delete")
    audit.visit(f"/checklists/{submitted.pk}/submitted/", "confirmation", shot="confirmation")
    audit.visit(submitted.get_absolute_url(), "read-only checklist")
    audit.visit(made["signed_off"].get_absolute_url(), "signed-off checklist with its timeline", shot="timeline")
    audit.visit(f"/checklists/{uuid.uuid4()}/", "404 for a checklist", status=404)
    audit.visit("/supervision/", "403 for an FCA on supervision pages", status=403)

    # Error states: a refused submit, the step it points to, and a bad case number.
    page.goto(f"/checklists/{prompting.pk}/check/")
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("heading", name=re.compile(r"Answer \d+ more questions? before you submit")).wait_for()
    audit.check("submission error summary", phone_axe=True, shot="submit-errors")
    audit.visit(prompting.get_step_url(5), "step page showing missing answers", phone_axe=True)
    page.goto("/checklists/start/what-so-what-then-what/")
    page.get_by_label("Case number").fill("Jane Smith")
    page.get_by_role("button", name="Start the checklist").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    audit.check("case details error summary", phone_axe=True, shot="case-details-errors")

    # Someone with no checklists yet sees the empty states.
    empty = audit_as(new_page, "fca2")
    empty.visit("/", "FCA home, empty")
    empty.visit("/checklists/", "checklists list, empty", phone_axe=True, shot="checklists-empty")

    audit.assert_clean()
    empty.assert_clean()
    assert unexpected(console.errors) == []


def test_every_page_a_supervisor_or_editor_sees_is_accessible_and_fits_a_phone(
    new_page, content, fca, supervisor, other_supervisor, stranger_fca, editor, console
):
    made = checklists_in_every_state(fca, supervisor)
    audit = audit_as(new_page, "supervisor")
    audit.visit("/", "supervisor home", phone_axe=True)
    audit.visit("/supervision/", "review queue with items", phone_axe=True, shot="queue")
    audit.visit("/supervision/?status=returned", "review queue, returned")
    audit.visit(f"/supervision/{made['submitted'].pk}/", "review page", phone_axe=True, shot="review")
    audit.visit(f"/supervision/{made['returned'].pk}/", "review page while returned")
    audit.visit(f"/supervision/{made['signed_off'].pk}/", "review page, signed off")
    audit.visit("/supervision/team/", "team overview", phone_axe=True, shot="team")
    audit.visit(made["submitted"].get_absolute_url(), "checklist read by its supervisor")
    audit.visit("/checklists/", "supervisor's own checklists, empty")
    audit.visit("/guidance/", "guidance home, as a supervisor")
    audit.visit("/guidance/themes/changing-risk-and-need/", "theme page, as a supervisor")
    screenshot(audit.page, "theme")
    audit.visit("/guidance/csprp-annual-report-2020/", "Knowledge Bite page, as a supervisor")
    charts = audit.page.locator("figure.app-chart")
    assert charts.count() >= 3 and charts.first.locator(".app-bar-chart__bar").count() >= 2
    screenshot(audit.page, "knowledge-bite")
    audit.visit("/guidance/search/?q=domestic+abuse", "search results, as a supervisor")

    quiet = audit_as(new_page, "supervisor2")
    quiet.visit("/supervision/", "review queue, empty", phone_axe=True, shot="queue-empty")
    quiet.visit("/supervision/team/", "team overview, nothing submitted")
    quiet.visit(f"/supervision/{made['submitted'].pk}/", "404 for another team's checklist", status=404)

    curator = audit_as(new_page, "editor")
    curator.visit("/", "editor home", phone_axe=True, shot="home-editor")
    curator.visit("/guidance/", "guidance home, as an editor")
    curator.visit("/guidance/search/?q=xylophone", "search with no results, as an editor")
    curator.visit("/supervision/", "403 for an editor on supervision pages", status=403)

    for each in (audit, quiet, curator):
        each.assert_clean()
    assert unexpected(console.errors) == []


def test_the_error_pages_are_accessible_and_fit_a_phone(new_page, fca, settings, console):
    settings.ROOT_URLCONF = "tests.browser.error_urls"
    anonymous = Audit(new_page(**DESKTOP))
    anonymous.visit("/no-such-page/", "404, signed out", status=404)
    anonymous.visit("/test-errors/400/", "400, signed out", status=400)
    anonymous.visit("/test-errors/500/", "500", status=500, phone_axe=True, shot="500")
    signed_in = audit_as(new_page, "fca")
    signed_in.visit("/no-such-page/", "404", status=404, phone_axe=True, shot="404")
    signed_in.visit("/test-errors/403/", "403", status=403, phone_axe=True, shot="403")
    signed_in.visit("/test-errors/400/", "400", status=400)
    anonymous.assert_clean()
    signed_in.assert_clean()
    assert unexpected(console.errors) == []


def test_the_case_page_and_the_actions_on_checklists_are_accessible_and_fit_a_phone(
    new_page, content, fca, supervisor, console
):
    import datetime

    from django.utils import timezone

    from actions import services as actions
    from actions.models import Action
    from checklists import services

    from .support import complete_answers, start_checklist

    week = timezone.localdate() + datetime.timedelta(days=7)
    earlier = start_checklist(fca, case_reference="ZE21P00301", title="Police call-out", answers=complete_answers())
    next_steps = earlier.template.questions.get(key="next-steps")
    for description, owner, role in (
        ("Ask the school for attendance records", "me", ""),
        ("Share the police log with the local authority", "agency", "Allocated social worker"),
        ("Talk through the referral in supervision", "supervisor", ""),
    ):
        actions.add_action(
            checklist=earlier, question=next_steps, description=description, owner=owner, agency_role=role,
            due_on=week, by=fca,
        )  # fmt: skip
    done = Action.objects.get(description__startswith="Talk through")
    actions.close_action(action=done, status="done", note="Referral agreed.", base_revision=done.revision, by=fca)
    Action.objects.filter(description__startswith="Share the police").update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    services.submit(checklist=earlier, by=fca)
    later = start_checklist(fca, case_reference="ZE21P00301", title="Missed contact", answers=complete_answers())
    carried = Action.objects.get(description__startswith="Ask the school")
    actions.carry_forward(checklist=later, action_ids=[carried.pk], by=fca)

    audit = audit_as(new_page, "fca")
    audit.visit(f"/checklists/{later.pk}/case/", "case page", phone_axe=True, shot="case")
    audit.visit(later.get_absolute_url(), "checklist with earlier reflections", phone_axe=True)
    audit.visit(f"/checklists/{later.pk}/check/", "check answers with actions", phone_axe=True, shot="check-actions")
    audit.visit(earlier.get_absolute_url(), "checklist with its actions")
    assert audit.page.get_by_text("Overdue by 3 days").count() == 1

    reviewer = audit_as(new_page, "supervisor")
    reviewer.visit(f"/checklists/{earlier.pk}/case/", "case page, as a supervisor", phone_axe=True)
    reviewer.visit(f"/supervision/{earlier.pk}/", "review page with actions", phone_axe=True, shot="review-actions")
    reviewer.visit("/supervision/team/", "team overview with action counts", phone_axe=True)
    reviewer.visit(f"/checklists/{later.pk}/case/", "404 for a draft's case page", status=404)

    audit.assert_clean()
    reviewer.assert_clean()
    assert unexpected(console.errors) == []
