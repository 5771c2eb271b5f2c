"""Search's fallback, suggestion and checklist results in a real browser: axe-core, 320px, starting a checklist."""

import re

import pytest

from .conftest import assert_no_horizontal_scroll, check_axe, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "search-some-words-with-suggestion": "/guidance/search/?q=safegaurding+children",
    "search-checklists": "/guidance/search/?q=non-engagement",
    "search-checklists-only": "/guidance/search/?q=non-engagement&type=checklists",
}


@pytest.mark.parametrize("width", [1024, 320])
def test_the_new_kinds_of_result_are_accessible_and_fit(new_page, content, fca, console, width):
    page = new_page(width=width)
    sign_in(page, "fca")
    for name, url in PAGES.items():
        page.goto(url)
        check_axe(page, f"{name} at {width}px")
        assert_no_horizontal_scroll(page)
    assert console.errors == []


def test_an_fca_follows_a_suggestion_then_starts_a_checklist_from_the_results(page, content, fca):
    sign_in(page, "fca")
    page.goto("/guidance/search/?q=safegaurding+children")
    assert page.get_by_text("No results contained all your words. Showing results for some of them").is_visible()
    page.locator("#search-suggestion").get_by_role("link").click()
    assert "q=safeguarding+children" in page.url
    assert page.locator("#search-partial").count() == 0
    page.fill("#search-q", "won't engage")
    page.locator("#search-q").press("Enter")
    start = re.compile(r"^Start this checklist\s*:\s*When a child or family won.t engage$")
    page.get_by_role("link", name=start).click()
    assert page.url.endswith("/checklists/start/non-engagement/")
