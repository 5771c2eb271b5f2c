"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live_server.

Every test in this folder is marked `browser`. Screenshots are written to
test-artifacts/screenshots/ so that a person can look at the key pages after a run.
"""

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE = (ROOT / "tests" / "browser" / "vendor" / "axe.min.js").read_text()
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    here = str(Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _async_unsafe():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
    # test body are still synchronous, so allow them for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def chromium(_async_unsafe):
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed: run `apt-get install chromium` (CI installs it).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        yield browser
        browser.close()


class Console:
    """Collects browser errors (CSP violations, script errors) so tests can assert there are none."""

    def __init__(self):
        self.errors = []

    def listen(self, page):
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))


@pytest.fixture
def console():
    return Console()


@pytest.fixture
def new_page(chromium, live_server, console):
    """Make a page in a fresh browser context (its own cookies), as a separate person or tab would."""
    contexts = []

    def make(width=1024, height=900, context=None):
        if context is None:
            context = chromium.new_context(
                viewport={"width": width, "height": height}, base_url=live_server.url, accept_downloads=True
            )
            context.set_default_timeout(10_000)
            contexts.append(context)
        page = context.new_page()
        console.listen(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def content(transactional_db):
    """The whole Knowledge Bite and the published checklist templates, as `make run` loads them."""
    call_command("load_knowledge_bite", stdout=StringIO())
    call_command("load_checklist_templates", stdout=StringIO())


def sign_in(page, username, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button:text('Sign in')")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def check_axe(page, context=""):
    """Run axe-core with the WCAG 2.2 A and AA rules and fail on any violation."""
    # Runtime evaluation is not subject to the page's CSP, so the page's policy stays strict.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    violations = result["violations"]
    message = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in violations
    )
    assert not violations, f"axe found violations on {context or page.url}:\n{message}"
    return result


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # caret="initial": hiding the caret leaves empty style attributes on inputs, which htmx then
    # copies when it swaps in an autosave status, and the page's CSP rightly reports.
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, caret="initial")


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls horizontally by {overflow}px at {page.viewport_size['width']}px"
