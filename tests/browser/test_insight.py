"""A practice lead reads the insight page in a real browser: the theme coverage chart and its table,
axe-core at desktop and phone widths, and a custom period with its dates the wrong way round."""

import pytest
from playwright.sync_api import expect

from checklists import services

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in
from .support import complete_answers, start_checklist

pytestmark = pytest.mark.django_db(transaction=True)

THEME_FOUR = "4. Responding to changing risk and need"


@pytest.fixture
def sent(content, fca, other_fca, supervisor, practice_lead):
    """Six complete reflections sent for review in North, each ticking domestic abuse and substance misuse."""
    for number in range(6):
        author = fca if number % 2 else other_fca
        checklist = start_checklist(author, case_reference=f"ZE21P0030{number}", answers=complete_answers())
        services.submit(checklist=checklist, by=author)


def test_a_lead_reads_the_theme_coverage_chart_and_its_table(new_page, sent, console):
    page = new_page()
    sign_in(page, "lead")
    page.get_by_role("link", name="Insight").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insight")

    chart = page.locator("#chart-themes")
    expect(chart.get_by_role("heading", name="Learning themes met")).to_be_visible()
    picture = chart.get_by_role("img", name="Learning themes met: bar chart")
    expect(picture).to_be_visible()
    summary = chart.locator("#chart-themes-summary")
    expect(summary).to_contain_text("Of 6 reflections sent for review")
    # The chart says in words what each bar is, beside the bar; long labels wrap onto two lines.
    drawn = " ".join(picture.locator("text").all_text_contents())
    assert f"{THEME_FOUR} Met the theme: 6 (100%) Set off a prompt: 6 (100%)" in drawn

    table = chart.get_by_role("table", name="Learning themes met in reflections sent for review")
    row = table.get_by_role("row", name=THEME_FOUR)
    expect(row.get_by_role("cell")).to_have_text(["6", "100%", "6", "100%"])
    # A theme no step of this checklist shows is met by none, and says so plainly.
    assert table.get_by_role("row").count() == 7
    expect(
        page.get_by_role("link", name="Download this table as CSV (Learning themes met in reflections sent for review)")
    ).to_be_visible()
    for case_reference in ("ZE21P00300", "ZE21P00305"):
        assert case_reference not in page.content()

    check_axe(page, "insight as a practice lead")
    screenshot(page, "insight")
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page)
    check_axe(page, "insight as a practice lead at 320px")
    screenshot(page, "phone-insight")
    assert console.errors == []


def test_custom_dates_the_wrong_way_round_get_a_clear_error(new_page, practice_lead, console):
    page = new_page()
    sign_in(page, "lead")
    page.goto("/insight/")
    page.get_by_label("Choose dates").check()
    start = page.get_by_role("group", name="From")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("3")
    start.get_by_label("Year").fill("2025")
    end = page.get_by_role("group", name="To")
    end.get_by_label("Day").fill("1")
    end.get_by_label("Month").fill("2")
    end.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Show figures").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The end date must be the same as or after the start date")
    expect(page).to_have_title("Error: Insight – Practice Hub")
    # The dates typed are kept, and the error links to the first box of the end date.
    expect(end.get_by_label("Month")).to_have_value("2")
    summary.get_by_role("link").click()
    expect(page.locator("#id_to")).to_be_focused()
    check_axe(page, "insight with a date error")
    assert [error for error in console.errors if "status of 400" not in error] == []
