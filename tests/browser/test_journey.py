"""The whole journey in Chromium: an FCA reflects on new information by keyboard alone, submits and
downloads it; their supervisor returns it with a comment; the FCA revises and resubmits; the
supervisor sees what changed and signs it off; the timeline shows every step."""

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from checklists.models import Checklist, Comment, Event

from .conftest import check_axe, screenshot, sign_in
from .support import (
    JOURNEY_ANSWERS,
    WSWTW_TITLE,
    answers_in_db,
    complete_answers,
    fill_step_by_keyboard,
    go_to_main_content,
    stored,
    tab_to,
    wait_for_path,
    wait_until_saved,
)

pytestmark = pytest.mark.django_db(transaction=True)

CASE = "ZE21P00123"
RETURN_COMMENT = "Say how the drinking and the violence feed each other, and what that means at night."
STEP_FIVE_COMMENT = "Thorough so far. Have you spoken to the school nurse?"
RETURN_REASON = "Please look again at step 4: see my comment there."
REVISION = " The drinking makes the violence worse at night, when she is alone with him."


def start_by_keyboard(page) -> None:
    """From home to step 1, choosing the checklist and giving the case number with the keyboard."""
    go_to_main_content(page)
    tab_to(page, text="Start a checklist")
    page.keyboard.press("Enter")
    wait_for_path(page, "/checklists/start/")
    page.get_by_label(WSWTW_TITLE).focus()
    page.keyboard.press("Space")
    expect(page.get_by_label(WSWTW_TITLE)).to_be_checked()
    page.keyboard.press("Enter")  # submits the form, as in any GOV.UK radio question
    wait_for_path(page, "/checklists/start/what-so-what-then-what/")
    tab_to(page, id="case_reference")
    page.keyboard.type(CASE.lower())  # normalised to upper case
    page.keyboard.press("Tab")
    page.keyboard.type("New police information")
    page.keyboard.press("Enter")
    wait_for_path(page, "/steps/1/")


def test_an_fca_reflects_by_keyboard_and_a_supervisor_returns_then_signs_it_off(
    new_page, content, fca, supervisor, console
):
    # Pages are kept as in production, so every page below must show each change at once.
    # 1. The FCA signs in and starts "What? So What? Then What?" for a case.
    page = new_page(width=1280, height=900)
    sign_in(page, "fca")
    start_by_keyboard(page)
    checklist = Checklist.objects.get()
    assert (checklist.author, checklist.case_reference, checklist.status) == (fca, CASE, Checklist.Status.DRAFT)
    assert checklist.template.title == WSWTW_TITLE
    expect(page.get_by_role("heading", level=1)).to_have_text("What? The information")

    # 2. Every step by keyboard alone. Steps 1 and 2 straight through.
    fill_step_by_keyboard(page, JOURNEY_ANSWERS[1])
    wait_for_path(page, "/steps/2/")
    fill_step_by_keyboard(page, JOURNEY_ANSWERS[2])
    wait_for_path(page, "/steps/3/")

    # 3. Step 3 is answered, autosaved, and the page reloaded before going on: nothing is lost.
    fill_step_by_keyboard(page, JOURNEY_ANSWERS[3], submit=False)
    wait_until_saved(page, JOURNEY_ANSWERS[3])
    saved = answers_in_db(checklist)
    for key, value in JOURNEY_ANSWERS[3].items():
        assert saved[key] == stored(value), key
    page.reload()
    expect(page.locator("#q-meaning-for-child")).to_have_value(JOURNEY_ANSWERS[3]["meaning-for-child"])
    expect(page.locator("#q-future-risk")).to_have_value(JOURNEY_ANSWERS[3]["future-risk"])
    expect(page.get_by_role("radio", name="Not sure")).to_be_checked()
    risks = page.get_by_role("group", name="Which of these factors are present for this child or family?")
    expect(risks.get_by_role("checkbox", name="Domestic abuse")).to_be_checked()
    expect(risks.get_by_role("checkbox", name="Substance misuse")).to_be_checked()
    expect(risks.get_by_role("checkbox", name="Parental mental health difficulties")).not_to_be_checked()
    fill_step_by_keyboard(page, {})  # Tab to "Save and continue" and press Enter
    wait_for_path(page, "/steps/4/")

    # Step 4 shows the interacting-risks prompt, with the Panel's figure, beside the questions.
    panel = page.get_by_role("complementary", name="Guidance for this step")
    expect(panel.get_by_text("Because of your earlier answers")).to_be_visible()
    expect(panel.locator(".govuk-warning-text")).to_contain_text("Interacting risks")
    expect(panel).to_contain_text("24% of all incidents")
    expect(panel.locator(".app-key-fact__figure").first).to_have_text("24%")
    check_axe(page, "step page with a prompt")
    screenshot(page, "step-with-guidance-and-prompt")
    fill_step_by_keyboard(page, JOURNEY_ANSWERS[4])
    wait_for_path(page, "/steps/5/")
    fill_step_by_keyboard(page, JOURNEY_ANSWERS[5])
    wait_for_path(page, f"/checklists/{checklist.pk}/check/")
    assert answers_in_db(checklist) == {key: stored(value) for key, value in complete_answers().items()}

    # 4. Check the answers, submit and download the PDF.
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text(JOURNEY_ANSWERS[1]["what-happened"])).to_be_visible()
    screenshot(page, "check-answers")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("heading", name="Checklist submitted")).to_be_visible()
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED and checklist.submitted_at is not None
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download it as a PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"checklist-{CASE}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) > 2000
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert CASE in text
    assert "OFFICIAL-SENSITIVE" in text
    assert Event.objects.filter(checklist=checklist, kind=Event.Kind.EXPORTED, actor=fca).count() == 1

    # 5. The supervisor sees it in the queue, comments on two steps in place, and returns it with a reason.
    boss = new_page(width=1280, height=900)
    sign_in(boss, "supervisor")
    boss.get_by_role("navigation", name="Menu").get_by_role("link", name="Supervision").click()
    queue = boss.get_by_role("table")
    expect(queue).to_contain_text(CASE)
    screenshot(boss, "review-queue")
    queue.get_by_role("link", name=CASE).click()
    expect(boss.get_by_role("heading", level=1)).to_have_text("New police information")
    assert Event.objects.filter(checklist=checklist, kind=Event.Kind.VIEWED, actor=supervisor).exists()
    screenshot(boss, "review-page")
    for number, text in ((5, STEP_FIVE_COMMENT), (4, RETURN_COMMENT)):
        # Each comment is added in place, beside its step's answers.
        step = boss.locator(f"#step-{number}")
        step.get_by_text("Add a comment").click()
        step.get_by_label(f"Your comment on step {number}").fill(text)
        step.get_by_role("button", name=f"Add comment on step {number}").click()
        expect(step.locator(".app-comment")).to_contain_text(text)
    boss.get_by_label("Return for more reflection").check()
    boss.get_by_label("What should they reflect on further?").fill(RETURN_REASON)
    boss.get_by_role("button", name="Continue").click()
    expect(boss.get_by_text("The checklist has been returned for more reflection.")).to_be_visible()
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.RETURNED
    comments = {
        comment.body: (comment.step.number if comment.step else None, comment.kind)
        for comment in Comment.objects.filter(checklist=checklist)
    }
    assert comments == {
        STEP_FIVE_COMMENT: (5, Comment.Kind.COMMENT),
        RETURN_COMMENT: (4, Comment.Kind.COMMENT),
        RETURN_REASON: (None, Comment.Kind.RETURN_REASON),
    }

    # 6. The FCA sees the comment next to the step, revises by keyboard and resubmits.
    page.goto("/")
    banner = page.get_by_role("region", name="Returned to you")
    banner.get_by_role("link", name=f"{CASE}: New police information").click()
    wait_for_path(page, "/steps/4/")  # the first step the supervisor commented on
    expect(page.get_by_role("region", name="Returned for more reflection")).to_be_visible()
    comment = page.locator(".app-comment")
    expect(comment).to_contain_text(RETURN_COMMENT)
    expect(page.get_by_role("heading", name="Your supervisor’s comments on this step")).to_be_visible()
    fill_step_by_keyboard(page, {"risk-assessment-how": REVISION})
    wait_for_path(page, "/steps/5/")
    expect(page.locator(".app-comment")).to_contain_text(STEP_FIVE_COMMENT)
    page.get_by_role("navigation", name="Steps").get_by_role("link", name="Check your answers and submit").click()
    page.get_by_role("button", name="Resubmit for review").click()
    expect(page.get_by_role("heading", name="Checklist submitted")).to_be_visible()
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED
    revised = JOURNEY_ANSWERS[4]["risk-assessment-how"] + REVISION
    assert answers_in_db(checklist)["risk-assessment-how"] == revised

    # 7. The supervisor sees what changed, and signs it off.
    boss.goto("/supervision/")
    boss.get_by_role("table").get_by_role("link", name=CASE).click()
    changes = boss.locator("#changes")
    expect(changes).to_have_text("What changed since you returned it")
    changed = boss.locator("#changes + p + ul")
    expect(changed.get_by_role("link")).to_have_count(1)
    expect(changed).to_contain_text("Step 4: How has it changed? If it has not changed, why not?")
    row = boss.locator("#question-risk-assessment-how")
    expect(row).to_contain_text("Changed since returned")
    expect(row).to_contain_text(REVISION.strip())
    check_axe(boss, "review page showing changes")
    boss.get_by_label("Sign off", exact=True).check()
    boss.get_by_label("Note (optional)").fill("Good reflection on how the risks interact.")
    boss.get_by_role("button", name="Continue").click()
    confirmation = boss.get_by_role("heading", level=1)
    expect(confirmation).to_have_text("Are you sure you want to sign off New police information?")
    boss.get_by_role("button", name="Confirm and sign off").click()
    expect(boss.get_by_text("The checklist has been signed off.")).to_be_visible()
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SIGNED_OFF and checklist.signed_off_at is not None

    # 8. The timeline shows all of it, to the FCA and to the supervisor.
    kinds = list(Event.objects.filter(checklist=checklist).order_by("created_at", "id").values_list("kind", "detail"))
    K = Event.Kind
    assert [kind for kind, _ in kinds if kind != K.VIEWED] == [
        K.CREATED,
        K.SUBMITTED,
        K.EXPORTED,
        K.COMMENTED,
        K.COMMENTED,
        K.RETURNED,
        K.SUBMITTED,
        K.SIGNED_OFF,
    ]
    assert (K.SUBMITTED, "Resubmitted") in kinds
    page.goto(checklist.get_absolute_url())
    timeline = page.locator(".moj-timeline")
    for title in (
        "Started",
        "Submitted for review",
        "Downloaded as PDF",
        "Viewed",
        "Commented",
        "Returned for more reflection",
        "Signed off",
    ):
        expect(timeline.get_by_role("heading", name=title, exact=True).first).to_be_visible()
    expect(timeline.get_by_text("Resubmitted")).to_be_visible()
    expect(timeline.get_by_role("heading", name="Submitted for review", exact=True)).to_have_count(2)
    page.get_by_role("heading", name="Timeline").scroll_into_view_if_needed()
    screenshot(page, "timeline")
    boss.reload()
    expect(boss.locator("#timeline ~ .moj-timeline").get_by_role("heading", name="Signed off")).to_be_visible()

    # 9. No script errors and no Content Security Policy violations anywhere on the way.
    assert console.errors == []
