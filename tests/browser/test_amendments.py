"""An editor makes a substantive change in admin; an FCA who used that guidance is told, reads it and
dismisses the notice. axe-core on "What's changed", empty and listed, and on the notice."""

import re

import pytest
from playwright.sync_api import expect

from guidance.models import Amendment, AmendmentDismissal, PracticePoint

from .conftest import assert_no_horizontal_scroll, check_axe, screenshot, sign_in
from .support import answers_up_to, start_checklist

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Now asks you to consider parental mental health alongside domestic abuse and substance misuse."


def test_an_editors_substantive_change_reaches_the_fca_who_used_it(new_page, content, editor, fca, console):
    checklist = start_checklist(fca, case_reference="ZE21P00301", title="Police call-out", answers=answers_up_to(3))
    point = PracticePoint.objects.get(key="interacting-risks")  # shown at step 3

    reader = new_page(width=1024)
    sign_in(reader, "fca")
    reader.goto("/guidance/changes/")
    expect(reader.get_by_text("There have been no substantive changes to the guidance yet.")).to_be_visible()
    check_axe(reader, "what's changed, empty")

    admin = new_page(width=1280)
    sign_in(admin, "editor")
    admin.goto(f"/admin/guidance/practicepoint/{point.pk}/change/")
    substantive = admin.get_by_label("This changes what the guidance says")
    expect(substantive).not_to_be_checked()
    admin.get_by_label("Body:").fill(point.body + "\n\nConsider parental mental health too.")
    substantive.check()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errornote")).to_be_visible()  # ticked without a note
    assert not Amendment.objects.exists()
    admin.get_by_label("Change note:").fill(NOTE)
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("was changed successfully")
    amendment = Amendment.objects.get()
    assert (amendment.subject, amendment.note, amendment.changed_by) == (point, NOTE, editor)

    reader.goto("/")
    banner = reader.get_by_role("region", name="Guidance you used has changed")
    expect(banner).to_contain_text(f"The guidance on {point.title} changed on")
    expect(banner).to_contain_text("after you used it")
    expect(banner).to_contain_text(NOTE)
    expect(banner.get_by_role("link", name="ZE21P00301: Police call-out")).to_be_visible()
    check_axe(reader, "FCA home with a notice")
    screenshot(reader, "home-guidance-notice")

    banner.get_by_role("link", name=f"Read the guidance on {point.title}").click()
    expect(reader).to_have_url(re.compile(r"/guidance/themes/changing-risk-and-need/#pp-interacting-risks$"))
    expect(reader.locator("#pp-interacting-risks")).to_contain_text(NOTE)

    reader.goto("/guidance/")
    reader.get_by_role("link", name="What’s changed").click()
    expect(reader.get_by_role("heading", name="What’s changed in the guidance")).to_be_visible()
    expect(reader.get_by_role("link", name=point.title)).to_be_visible()
    expect(reader.locator("main")).to_contain_text(NOTE)
    check_axe(reader, "what's changed, listed")
    reader.set_viewport_size({"width": 320, "height": 640})
    check_axe(reader, "what's changed at 320px")
    assert_no_horizontal_scroll(reader)
    screenshot(reader, "phone-whats-changed")
    reader.set_viewport_size({"width": 1024, "height": 900})

    reader.goto(checklist.get_absolute_url())
    notice = reader.get_by_role("region", name="Guidance you used has changed")
    expect(notice).to_contain_text("step 3")
    notice.get_by_role("button", name=f"Dismiss the notice about {point.title}").click()
    expect(reader).to_have_url(re.compile(re.escape(checklist.get_absolute_url()) + "$"))
    expect(reader.get_by_text(f"You have dismissed the notice about ‘{point.title}’.")).to_be_visible()
    expect(reader.get_by_role("region", name="Guidance you used has changed")).to_have_count(0)
    reader.goto("/")
    expect(reader.get_by_role("region", name="Guidance you used has changed")).to_have_count(0)
    assert AmendmentDismissal.objects.filter(user=fca, amendment=amendment).count() == 1
    assert console.errors == []
