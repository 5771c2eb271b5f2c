"""Nothing typed is ever lost: not when the session expires mid-sentence, and not when two tabs
edit the same answer, with JavaScript or without it."""

import time
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.middleware import LAST_ACTIVITY
from checklists.models import Answer
from tests.factories import PASSWORD

from .conftest import check_axe, screenshot, sign_in
from .support import start_checklist

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "what-happened"
FIRST = "The mother rang at 9pm to say the father had come back."
MORE = " She said he had been drinking and the baby was crying."


def answer(checklist, key=KEY) -> Answer | None:
    return Answer.objects.filter(checklist=checklist, question__key=key).first()


def expire_sessions_server_side() -> None:
    """As if the person had been idle for twice the timeout: the server signs them out on their next request."""
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.all():
        store = SessionStore(session_key=session.session_key)
        store[LAST_ACTIVITY] = time.time() - 2 * settings.SESSION_IDLE_TIMEOUT
        store.save()  # through the configured engine, so a cached_db session's cached copy changes too


def test_a_session_that_expires_while_typing_keeps_the_text_and_saves_it_after_signing_in_again(
    new_page, content, fca, console
):
    checklist = start_checklist(fca, case_reference="ZE21P00456")
    page = new_page()
    sign_in(page, "fca")
    page.goto(checklist.get_step_url(1))
    field = page.get_by_role("textbox", name="What is the new information?")
    status = page.locator(f"#status-{KEY}")
    field.press_sequentially(FIRST)
    expect(status).to_contain_text("Saved at")  # saved while typing, without leaving the field
    assert answer(checklist).value == FIRST

    expire_sessions_server_side()
    field.press_sequentially(MORE)
    # The save fails visibly, and says what to do; the text stays where it was typed.
    expect(status).to_contain_text("Not saved: you have been signed out. Your text is still here.")
    expect(status.get_by_role("button", name="Try again")).to_be_visible()
    expect(field).to_have_value(FIRST + MORE)
    assert answer(checklist).value == FIRST
    assert not any(s.get_decoded().get("_auth_user_id") for s in Session.objects.all())
    screenshot(page, "autosave-signed-out")

    # Going on to the next step now would post the text to the sign-in page and lose it: held back.
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.get_by_role("button", name="Save and continue").click()
    expect(field).to_have_value(FIRST + MORE)
    assert posts == []
    assert page.url.endswith(checklist.get_step_url(1))

    # Sign in again in another tab of the same browser, from the link the message gives.
    with page.context.expect_page() as new_tab:
        status.get_by_role("link", name="Sign in again in a new tab").click()
    other_tab = new_tab.value
    other_tab.wait_for_load_state()
    assert "/accounts/login/" in other_tab.url
    other_tab.get_by_label("Username").fill("fca")
    other_tab.get_by_label("Password").fill(PASSWORD)
    other_tab.get_by_role("button", name="Sign in").click()
    expect(other_tab.get_by_role("heading", level=1)).to_contain_text("Welcome")
    other_tab.close()

    # Back in the first tab, trying again saves exactly what was typed, with the new sign-in.
    status.get_by_role("button", name="Try again").click()
    expect(status).to_contain_text("Saved at")
    saved = answer(checklist)
    assert saved.value == FIRST + MORE
    assert saved.revision == 2
    assert page.evaluate("() => [localStorage.length, sessionStorage.length]") == [0, 0]
    # The only errors are the browser reporting the refused (401) save.
    assert console.errors and all("401" in error for error in console.errors), console.errors


def test_two_tabs_editing_one_answer_show_the_conflict_and_lose_neither_text(new_page, content, fca, console):
    checklist = start_checklist(fca, case_reference="ZE21P00789")
    tab_a = new_page(width=1280)
    sign_in(tab_a, "fca")
    tab_b = new_page(context=tab_a.context)
    tab_a.goto(checklist.get_step_url(1))
    tab_b.goto(checklist.get_step_url(1))  # loaded before tab A saves

    a_text = "Written in tab A: the police attended twice in March."
    b_text = "Written in tab B: the school reported bruising on Monday."
    tab_a.locator(f"#q-{KEY}").press_sequentially(a_text)
    tab_a.keyboard.press("Tab")
    expect(tab_a.locator(f"#status-{KEY}")).to_contain_text("Saved at")
    assert (answer(checklist).value, answer(checklist).revision) == (a_text, 1)

    tab_b.locator(f"#q-{KEY}").press_sequentially(b_text)
    tab_b.keyboard.press("Tab")
    status = tab_b.locator(f"#status-{KEY}")
    expect(status).to_contain_text("Not saved: this answer was changed in another tab or window")
    mine = status.locator(".app-conflict__column", has=tab_b.get_by_role("heading", name="Your version (not saved)"))
    theirs = status.locator(".app-conflict__column", has=tab_b.get_by_role("heading", name="Saved version"))
    expect(mine).to_contain_text(b_text)
    expect(theirs).to_contain_text(a_text)
    expect(tab_b.locator(f"#q-{KEY}")).to_have_value(b_text)  # B's text is still on screen
    assert (answer(checklist).value, answer(checklist).revision) == (a_text, 1)  # A's is in the database
    check_axe(tab_b, "autosave conflict")
    screenshot(tab_b, "conflict")

    status.get_by_role("button", name="Keep my version").click()
    expect(status).to_contain_text("Saved at")
    assert (answer(checklist).value, answer(checklist).revision) == (b_text, 2)
    expect(tab_b.locator(f"#revision-{KEY}")).to_have_value("2")  # B's next save builds on it
    tab_a.reload()
    expect(tab_a.locator(f"#q-{KEY}")).to_have_value(b_text)
    # The only errors are the browser reporting the refused (409) save.
    assert console.errors and all("409" in error for error in console.errors), console.errors


def test_without_javascript_a_stale_page_shows_the_conflict_and_can_keep_either_version(
    chromium, live_server, new_page, content, fca
):
    checklist = start_checklist(fca, case_reference="ZE21P00790")
    plain = chromium.new_context(java_script_enabled=False, base_url=live_server.url)
    try:
        no_js = plain.new_page()
        sign_in(no_js, "fca")
        no_js.goto(checklist.get_step_url(1))
        with_js = new_page()
        sign_in(with_js, "fca")
        with_js.goto(checklist.get_step_url(1))
        with_js.locator(f"#q-{KEY}").fill("Saved from the other tab.")
        with_js.keyboard.press("Tab")
        expect(with_js.locator(f"#status-{KEY}")).to_contain_text("Saved at")

        no_js.locator(f"#q-{KEY}").fill("Typed on the page without JavaScript.")
        no_js.get_by_role("button", name="Save and continue").click()
        summary = no_js.locator(".govuk-error-summary")
        expect(summary).to_contain_text("was changed in another tab or window: choose which version to keep")
        expect(no_js.locator(f"#q-{KEY}")).to_have_value("Typed on the page without JavaScript.")
        assert answer(checklist).value == "Saved from the other tab."
        no_js.get_by_role("button", name="Keep my version of ‘What is the new information?’").click()
        expect(no_js.get_by_text("Your version has been saved.")).to_be_visible()
        assert (answer(checklist).value, answer(checklist).revision) == ("Typed on the page without JavaScript.", 2)
    finally:
        plain.close()
