"""Guidance and case-study pages in a real browser: axe-core, 320px, search and filters."""

import pytest
from playwright.sync_api import expect

from guidance.models import Theme

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "guidance-home": "/guidance/",
    "knowledge-bite": "/guidance/csprp-annual-report-2020/",
    "theme": "/guidance/themes/changing-risk-and-need/",
    "resources": "/guidance/resources/?theme=childs-daily-life&kind=tool",
    "resource": "/guidance/resources/police-checks-handbook/",
    "search": "/guidance/search/?q=domestic+abuse",
    "search-no-results": "/guidance/search/?q=xylophone",
    "search-too-long": "/guidance/search/?q=" + "a" * 201,
    "case-studies": "/case-studies/",
    "case-study": "/case-studies/alice-and-beth/",
}


@pytest.mark.parametrize("width", [1024, 320])
def test_every_guidance_page_type_is_accessible_and_fits(new_page, content, fca, console, width):
    page = new_page(width=width)
    sign_in(page, "fca")
    for name, url in PAGES.items():
        page.goto(url)
        check_axe(page, f"{name} at {width}px")
        assert_no_horizontal_scroll(page)
        if width == 320 or name in ("knowledge-bite", "theme", "search"):
            screenshot(page, f"guidance-{name}-{width}")
    # The too-long search is answered with 400 on purpose; nothing else may go wrong.
    assert [error for error in console.errors if "status of 400" not in error] == []


def test_an_fca_searches_from_the_header_and_opens_the_figure(page, content, fca):
    sign_in(page, "fca")
    page.fill("#header-search", "domestic abuse")
    page.locator(".app-header-search button").click()
    assert page.get_by_role("heading", name="Themes (1)").is_visible()
    page.get_by_role("link", name="42.6%").first.click()
    assert page.url.endswith("#fact-domestic-abuse-serious-harm")
    assert page.locator("#fact-domestic-abuse-serious-harm").is_visible()


def test_an_fca_filters_the_resources_library_and_removes_a_filter(page, content, fca):
    sign_in(page, "fca")
    page.goto("/guidance/resources/")
    page.get_by_label("Coming soon").check()
    page.get_by_role("button", name="Apply filters").first.click()
    assert page.get_by_role("heading", name="3 resources match your filters").is_visible()
    page.get_by_role("link", name="Remove this filter: Coming soon").click()
    assert "Selected filters" not in page.content()


def test_the_error_summary_takes_focus_on_a_too_long_search(page, content, fca):
    sign_in(page, "fca")
    page.goto("/guidance/search/?q=" + "a" * 201)
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    page.locator(".govuk-error-summary a").first.click()
    expect(page.locator("#search-q")).to_be_focused()


def test_two_fcas_read_a_cached_theme_page_and_each_signs_out_from_it(new_page, content, fca, other_fca, console):
    for username in ["fca", "fca2"]:  # the first fills the cache; the second is served from it
        if username == "fca2":  # update() sends no signal: only a page from the cache still shows the old title
            Theme.objects.filter(slug="changing-risk-and-need").update(title="Changed without a signal")
        page = new_page()
        sign_in(page, username)
        page.goto("/guidance/themes/changing-risk-and-need/")
        assert page.get_by_role("heading", name="Responding to changing risk and need", level=1).is_visible()
        # The inline script ran: its nonce is this response's, so the CSP let it.
        assert page.evaluate("document.body.classList.contains('js-enabled')")
        page.get_by_role("button", name="Sign out").click()
        assert page.get_by_role("heading", name="You have signed out").is_visible()
    assert console.errors == []
