"""Content editors curate guidance in Django admin; what they add reaches FCAs at once."""

import re

import pytest
from playwright.sync_api import expect

from guidance.models import PracticePoint, Theme

from .conftest import check_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Ask who else lives in the household"
BODY = "When new information arrives, ask who else lives in the household, including lodgers and *new partners*."


def test_an_editor_adds_a_practice_point_that_fcas_see_on_the_theme_page_and_in_search(
    new_page, content, editor, fca, console
):
    theme = Theme.objects.get(slug="changing-risk-and-need")
    before = theme.practice_points.count()

    admin = new_page(width=1280)
    sign_in(admin, "editor")
    expect(admin.get_by_role("heading", name="Curate content")).to_be_visible()
    check_axe(admin, "editor home")
    admin.get_by_role("link", name="Go to content administration").click()
    admin.get_by_role("link", name="Themes").first.click()
    admin.get_by_role("link", name="4. Responding to changing risk and need").click()
    admin.get_by_role("button", name="Add another Practice point").click()
    added = admin.locator(".inline-related.dynamic-practice_points").last
    added.get_by_label("Title:").press_sequentially(TITLE)
    expect(added.get_by_label("Key:")).to_have_value("ask-who-else-lives-in-the-household")  # filled in from the title
    added.get_by_label("Order:").fill("99")
    added.get_by_label("Body:").fill(BODY)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")

    assert console.errors == []

    point = PracticePoint.objects.get(theme=theme, key="ask-who-else-lives-in-the-household")
    assert (point.title, point.body, point.order) == (TITLE, BODY, 99)
    assert theme.practice_points.count() == before + 1

    page = new_page(width=1280)
    sign_in(page, "fca")
    page.goto(theme.get_absolute_url())
    added_point = page.locator("#pp-ask-who-else-lives-in-the-household")
    expect(added_point.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(added_point.locator("em")).to_have_text("new partners")  # Markdown, rendered
    page.get_by_role("searchbox", name="Search guidance and case studies").fill("lodgers")
    page.get_by_role("button", name="Search", exact=True).click()
    result = page.get_by_role("link", name=TITLE)
    expect(result).to_be_visible()
    result.click()
    expect(page).to_have_url(re.compile(re.escape(point.get_absolute_url()) + "$"))
    assert console.errors == []
