"""The walkthrough through the client: start, case details, steps, check your answers, submit, confirmation."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import Checklist, ChecklistTemplate, Event
from tests.factories import ChecklistFactory, ChecklistTemplateFactory, CommentFactory

from .walkthrough_support import answer, complete, save, start, step_url

pytestmark = pytest.mark.django_db


def test_an_fca_completes_a_checklist_from_start_to_confirmation(client_for, fca, walkthrough_template):
    client = client_for(fca)

    # Choose the checklist.
    response = client.get(reverse("checklists:start"))
    assert response.status_code == 200
    assert b"New information: What? So What? Then What?" in response.content
    response = client.post(reverse("checklists:start"), {"template": "what-so-what-then-what"})
    assert response["Location"] == reverse("checklists:details", kwargs={"slug": "what-so-what-then-what"})

    # Give the case details; the case number is normalised to upper case.
    response = client.get(response["Location"])
    assert b"Use the case number, for example ZE21P00123. Do not use names." in response.content
    response = client.post(
        reverse("checklists:details", kwargs={"slug": "what-so-what-then-what"}),
        {"case_reference": " ze21p00123 ", "title": "New police information"},
    )
    checklist = Checklist.objects.get()
    assert response["Location"] == step_url(checklist, 1)
    assert (checklist.case_reference, checklist.title, checklist.status) == (
        "ZE21P00123",
        "New police information",
        Checklist.Status.DRAFT,
    )
    assert checklist.author == fca and checklist.team.name == "North"
    assert list(checklist.events.values_list("kind", flat=True)) == [Event.Kind.CREATED]

    # Step 1, without JavaScript: every answer is posted with its revision.
    response = client.get(step_url(checklist, 1))
    assert b"Step 1 of 3" in response.content
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "A neighbour called the police after hearing shouting.",
            "revision-what-happened": "0",
            "q-risk-factors": ["domestic-abuse", "substance-misuse"],
            "revision-risk-factors": "0",
            "q-when.day": "27",
            "q-when.month": "3",
            "q-when.year": "2026",
            "revision-when": "0",
            "action": "continue",
        },
    )
    assert response.status_code == 302 and response["Location"] == step_url(checklist, 2)
    assert answer(checklist, "what-happened").value == "A neighbour called the police after hearing shouting."
    assert answer(checklist, "what-happened").revision == 1
    assert answer(checklist, "risk-factors").value == "domestic-abuse\nsubstance-misuse"
    assert answer(checklist, "when").value == "2026-03-27"

    # Step 2 shows the prompt that step 1's answers set off.
    response = client.get(step_url(checklist, 2))
    assert b"Interacting risks" in response.content and b"24%" in response.content
    response = client.post(
        step_url(checklist, 2),
        {"q-safe-now": "unsure", "revision-safe-now": "0", "revision-threshold": "0", "action": "continue"},
    )
    assert response["Location"] == step_url(checklist, 3)
    assert answer(checklist, "safe-now").value == "unsure"

    # The last step goes on to check your answers.
    response = client.post(
        step_url(checklist, 3),
        {"q-next-steps": "Speak to my Practice Supervisor today.", "revision-next-steps": "0", "action": "continue"},
    )
    check_url = reverse("checklists:check", kwargs={"pk": checklist.pk})
    assert response["Location"] == check_url
    response = client.get(check_url)
    content = response.content.decode()
    assert "Check your answers before you submit" in content
    assert "27 March 2026" in content and "Substance misuse" in content and "Not sure" in content
    assert f'href="{step_url(checklist, 1)}#q-what-happened"' in content

    # Submit, and see the confirmation.
    response = client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    assert response["Location"] == reverse("checklists:submitted", kwargs={"pk": checklist.pk})
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED and checklist.submitted_at is not None
    assert checklist.events.filter(kind=Event.Kind.SUBMITTED).count() == 1
    response = client.get(response["Location"])
    assert b"govuk-panel--confirmation" in response.content and b"ZE21P00123" in response.content


def test_the_start_page_lists_only_published_checklists(client_for, fca, walkthrough_template):
    ChecklistTemplateFactory(title="An old draft checklist", status=ChecklistTemplate.Status.DRAFT)
    response = client_for(fca).get(reverse("checklists:start"))
    assert b"New information" in response.content
    assert b"An old draft checklist" not in response.content


def test_the_start_page_asks_for_a_choice(client_for, fca, walkthrough_template):
    response = client_for(fca).post(reverse("checklists:start"), {})
    assert response.status_code == 400
    assert b"Choose which checklist you want to start" in response.content
    assert b'href="#template"' in response.content and b'id="template"' in response.content


def test_an_unpublished_checklist_cannot_be_started(client_for, fca, walkthrough_template):
    ChecklistTemplateFactory(slug="draft-one", status=ChecklistTemplate.Status.DRAFT)
    response = client_for(fca).post(
        reverse("checklists:details", kwargs={"slug": "draft-one"}), {"case_reference": "ZE21P1", "title": "x"}
    )
    assert response.status_code == 404
    assert not Checklist.objects.exists()


@pytest.mark.parametrize(
    "case_reference", ["Jane Smith", "SMITH", "ZE2", "ZE21P00123!", "Smith, J.", "JaneSmith2", "Smith2024", "AB12"]
)
def test_it_refuses_a_case_reference_that_is_not_a_case_number(client_for, fca, walkthrough_template, case_reference):
    response = client_for(fca).post(
        reverse("checklists:details", kwargs={"slug": walkthrough_template.slug}),
        {"case_reference": case_reference, "title": "New information"},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    error = re.search(r'id="case_reference-error"[^>]*>(.*?)</p>', content, re.S).group(1)
    assert "Do not use names" in error
    assert 'href="#case_reference"' in content
    assert not Checklist.objects.exists()


def test_it_refuses_an_overlong_case_reference(client_for, fca, walkthrough_template):
    response = client_for(fca).post(
        reverse("checklists:details", kwargs={"slug": walkthrough_template.slug}),
        {"case_reference": "ZE21P" + "1" * 30, "title": "New information"},
    )
    assert response.status_code == 400
    assert b"Case numbers are 20 characters or fewer" in response.content
    assert not Checklist.objects.exists()


def test_it_asks_for_a_title(client_for, fca, walkthrough_template):
    response = client_for(fca).post(
        reverse("checklists:details", kwargs={"slug": walkthrough_template.slug}),
        {"case_reference": "ZE21P00123", "title": "   "},
    )
    assert response.status_code == 400
    assert b"Enter a short title" in response.content
    assert b'value="ZE21P00123"' in response.content  # what was typed is kept


def test_each_kind_of_question_has_gov_uk_markup_with_the_first_input_as_its_anchor(
    client_for, fca, walkthrough_template
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    content = client.get(step_url(checklist, 1)).content.decode()
    # Long text: a textarea with a GOV.UK character count of the question's limit.
    assert 'data-module="govuk-character-count" data-maxlength="2000"' in content
    assert re.search(r'<textarea class="govuk-textarea govuk-js-character-count[^"]*" id="q-what-happened"', content)
    assert "You can enter up to 2,000 characters" in content
    # Multiple choice: checkboxes in a fieldset; the first box is q-<key>.
    assert 'class="govuk-checkboxes govuk-checkboxes--small"' in content
    assert 'id="q-risk-factors" name="q-risk-factors" type="checkbox" value="domestic-abuse"' in content
    assert 'id="q-risk-factors.2" name="q-risk-factors" type="checkbox" value="substance-misuse"' in content
    # Date: day, month and year, the day box first.
    assert 'id="q-when" name="q-when.day"' in content and 'name="q-when.year"' in content
    # Each question autosaves into its own status area only.
    assert 'hx-target="#status-what-happened"' in content and 'id="status-what-happened" role="status"' in content
    assert 'hx-trigger="input changed delay:1500ms, change, app-retry"' in content
    content = client.get(step_url(checklist, 2)).content.decode()
    assert 'id="q-safe-now" name="q-safe-now" type="radio" value="yes"' in content
    assert 'id="q-safe-now.3" name="q-safe-now" type="radio" value="unsure"' in content
    assert "Not sure" in content
    assert re.search(r'<input class="govuk-input govuk-js-character-count[^"]*" id="q-summary"', content)


def test_the_step_page_shows_progress_and_the_guidance_panel(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    content = client.get(step_url(checklist, 2)).content.decode()
    assert "Step 2 of 3" in content
    assert 'aria-current="step"' in content
    assert 'class="app-guidance-panel"' in content
    assert "Domestic abuse, substance misuse and parental mental health <strong>interact</strong>." in content
    assert "/guidance/themes/changing-risk-and-need/#pp-interacting-risks" in content
    assert "24%" in content and "Domestic violence and substance misuse combined" in content
    assert "Child Y (Annie)" in content and "Explore the previous histories of fathers." in content
    assert f'href="{step_url(checklist, 1)}"' in content  # back link


def test_save_and_come_back_later_saves_and_goes_to_the_list(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(
        step_url(checklist, 1),
        {"q-what-happened": "Half a thought", "revision-what-happened": "0", "action": "later"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("checklists:list")
    assert b"have been saved" in response.content
    assert answer(checklist, "what-happened").value == "Half a thought"


def test_required_answers_are_not_enforced_until_submit(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(step_url(checklist, 1), {"action": "continue"})
    assert response.status_code == 302 and response["Location"] == step_url(checklist, 2)


def test_an_oversized_answer_is_refused_with_the_limit_and_kept_in_the_field(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    too_long = "x" * 2001
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": too_long,
            "revision-what-happened": "0",
            "q-risk-factors": ["domestic-abuse"],
            "revision-risk-factors": "0",
            "action": "continue",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "It must be 2,000 characters or fewer" in content
    assert '<a href="#q-what-happened">' in content
    assert f">{too_long}</textarea>" in content
    assert answer(checklist, "what-happened") is None
    # The other answer on the step was saved all the same.
    assert answer(checklist, "risk-factors").value == "domestic-abuse"


def test_a_half_entered_date_is_refused_and_kept(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(
        step_url(checklist, 1), {"q-when.day": "31", "q-when.month": "2", "q-when.year": "2026", "action": "continue"}
    )
    assert response.status_code == 400
    assert b"The date must be a real date" in response.content
    assert b'name="q-when.day" type="text" inputmode="numeric" value="31"' in response.content
    response = client.post(step_url(checklist, 1), {"q-when.day": "3", "q-when.year": "2026", "action": "continue"})
    assert b"The date must include a month" in response.content
    assert answer(checklist, "when") is None


def test_a_stale_form_shows_both_versions_and_overwrites_nothing(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "what-happened", "Saved in another tab", revision=2)
    response = client.post(
        step_url(checklist, 1),
        {"q-what-happened": "Typed in this tab", "revision-what-happened": "1", "action": "continue"},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "changed in another tab or window" in content
    assert 'class="app-conflict"' in content
    assert "Saved in another tab" in content and ">Typed in this tab</textarea>" in content
    assert 'name="conflict-revision-what-happened" value="2"' in content
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Saved in another tab", 2)


def test_keep_my_version_saves_over_the_newer_answer_on_purpose(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "what-happened", "Saved in another tab", revision=2)
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "Typed in this tab",
            "revision-what-happened": "1",
            "conflict-revision-what-happened": "2",
            "resolve": "mine:what-happened",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#q-what-happened")
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("Typed in this tab", 3)


def test_use_the_saved_version_keeps_the_newer_answer(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "what-happened", "Saved in another tab", revision=2)
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "Typed in this tab",
            "revision-what-happened": "1",
            "conflict-revision-what-happened": "2",
            "resolve": "saved:what-happened",
        },
        follow=True,
    )
    assert b"The saved version has been kept" in response.content
    assert b">Saved in another tab</textarea>" in response.content
    assert answer(checklist, "what-happened").value == "Saved in another tab"


def test_submit_lists_each_missing_answer_linked_to_its_step(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "what-happened", "Something happened.")
    response = client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    assert response.status_code == 400
    content = response.content.decode()
    assert "Answer 3 more questions before you submit" in content
    # Checkbox and radio links target the first input, which has the id q-<key>.
    assert f'href="{step_url(checklist, 1)}#q-risk-factors"' in content
    assert f'href="{step_url(checklist, 2)}#q-safe-now"' in content
    assert f'href="{step_url(checklist, 3)}#q-next-steps"' in content
    summary = content.split("govuk-error-summary__list")[1].split("</ul>")[0]
    assert "#q-what-happened" not in summary
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.DRAFT
    # The step page then points out what is missing there.
    content = client.get(step_url(checklist, 2)).content.decode()
    assert "Answer this question before you submit the checklist." in content
    assert '<a href="#q-safe-now">' in content


def test_a_submitted_checklist_cannot_be_changed_through_its_steps(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    complete(checklist)
    client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    response = client.get(step_url(checklist, 1))
    assert response["Location"] == checklist.get_absolute_url()
    response = client.post(step_url(checklist, 1), {"q-what-happened": "Changed", "revision-what-happened": "1"})
    assert response["Location"] == checklist.get_absolute_url()
    assert answer(checklist, "what-happened").value != "Changed"
    assert client.get(reverse("checklists:check", kwargs={"pk": checklist.pk})).status_code == 302


def test_another_fca_gets_404_on_every_walkthrough_page(client_for, fca, other_fca, walkthrough_template):
    checklist = start(client_for(fca), walkthrough_template)
    client = client_for(other_fca)
    for url in (
        step_url(checklist, 1),
        reverse("checklists:check", kwargs={"pk": checklist.pk}),
        reverse("checklists:edit_details", kwargs={"pk": checklist.pk}),
        reverse("checklists:submitted", kwargs={"pk": checklist.pk}),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk})).status_code == 404
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.DRAFT


def test_a_supervisor_can_read_but_not_edit_a_submitted_checklist(client_for, fca, supervisor, walkthrough_template):
    checklist = start(client_for(fca), walkthrough_template)
    complete(checklist)
    client_for(fca).post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    client = client_for(supervisor)
    assert client.get(step_url(checklist, 1)).status_code == 403
    assert client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk})).status_code == 403


def test_a_step_that_does_not_exist_is_404(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    assert client.get(step_url(checklist, 4)).status_code == 404
    assert client.get(step_url(checklist, 0)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, fca, walkthrough_template):
    checklist = ChecklistFactory(author=fca, template=walkthrough_template)
    for url in (reverse("checklists:start"), step_url(checklist, 1)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_the_case_details_can_be_changed_before_submitting(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    url = reverse("checklists:edit_details", kwargs={"pk": checklist.pk})
    assert b'value="ZE21P00123"' in client.get(url).content
    response = client.post(url, {"case_reference": "ze21p00999", "title": "Updated title"})
    assert response["Location"] == reverse("checklists:check", kwargs={"pk": checklist.pk})
    checklist.refresh_from_db()
    assert (checklist.case_reference, checklist.title) == ("ZE21P00999", "Updated title")
    response = client.post(url, {"case_reference": "John Brown", "title": "Updated title"})
    assert response.status_code == 400
    checklist.refresh_from_db()
    assert checklist.case_reference == "ZE21P00999"


def test_a_returned_checklist_shows_comments_and_can_be_resubmitted(client_for, fca, supervisor, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    complete(checklist)
    client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    checklist.refresh_from_db()
    checklist.status = Checklist.Status.RETURNED
    checklist.save()
    step_two = checklist.template.steps.get(number=2)
    CommentFactory(checklist=checklist, author=supervisor, step=step_two, body="Say more about safety tonight.")
    CommentFactory(checklist=checklist, author=supervisor, body="Good start: think about the father too.")

    content = client.get(step_url(checklist, 2)).content.decode()
    assert "Returned for more reflection" in content
    assert "Good start: think about the father too." in content
    assert "Say more about safety tonight." in content
    step_one = client.get(step_url(checklist, 1)).content.decode()
    assert "Say more about safety tonight." not in step_one  # a step comment shows on its own step

    response = client.post(
        step_url(checklist, 2),
        {"q-safe-now": "no", "revision-safe-now": str(answer(checklist, "safe-now").revision), "action": "continue"},
    )
    assert response.status_code == 302
    content = client.get(reverse("checklists:check", kwargs={"pk": checklist.pk})).content.decode()
    assert "Resubmit for review" in content
    client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED
    assert answer(checklist, "safe-now").value == "no"
    assert checklist.events.filter(kind=Event.Kind.SUBMITTED, detail="Resubmitted").exists()


def test_walkthrough_pages_are_never_cached(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    for url in (
        reverse("checklists:start"),
        step_url(checklist, 1),
        reverse("checklists:check", kwargs={"pk": checklist.pk}),
        reverse("checklists:list"),
        reverse("home"),
    ):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_walkthrough_pages_do_not_use_browser_storage(client_for, fca, walkthrough_template):
    from pathlib import Path

    from django.conf import settings

    script = (Path(settings.BASE_DIR) / "static" / "js" / "autosave.js").read_text()
    assert "localStorage" not in script and "setItem" not in script
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    content = client.get(step_url(checklist, 1)).content.decode()
    assert '"historyCacheSize":0' in content  # htmx keeps no page snapshots in localStorage either


def test_the_step_page_has_a_fixed_number_of_queries(
    client_for, fca, walkthrough_template, django_assert_num_queries, plus_session
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    client.get(step_url(checklist, 2))  # warm the session
    # The session, the user, their teams, the checklist, the template's structure (six) and the
    # answers, inside the request's savepoint. A draft has no comments to read.
    with django_assert_num_queries(plus_session(12)):
        assert client.get(step_url(checklist, 2)).status_code == 200
    complete(checklist)
    save(checklist, "threshold", "s47")
    save(checklist, "summary", "A short summary")
    with django_assert_num_queries(plus_session(12)):
        assert client.get(step_url(checklist, 2)).status_code == 200


def test_resuming_a_draft_goes_to_the_first_unanswered_step(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    url = reverse("checklists:resume", kwargs={"pk": checklist.pk})
    assert client.get(url)["Location"] == step_url(checklist, 1)
    for key, value in (("what-happened", "x"), ("risk-factors", "domestic-abuse"), ("when", "2026-01-02")):
        save(checklist, key, value)
    assert client.get(url)["Location"] == step_url(checklist, 2)
    for key, value in (("safe-now", "yes"), ("threshold", "s17"), ("summary", "s"), ("next-steps", "n")):
        save(checklist, key, value)
    assert client.get(url)["Location"] == reverse("checklists:check", kwargs={"pk": checklist.pk})


def test_resuming_a_returned_checklist_starts_at_the_first_commented_step(
    client_for, fca, supervisor, walkthrough_template
):
    checklist = ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.RETURNED)
    url = reverse("checklists:resume", kwargs={"pk": checklist.pk})
    client = client_for(fca)
    assert client.get(url)["Location"] == step_url(checklist, 1)
    CommentFactory(checklist=checklist, author=supervisor, step=checklist.template.steps.get(number=3))
    assert client.get(url)["Location"] == step_url(checklist, 3)


def test_resuming_is_only_for_the_author(client_for, fca, other_fca, supervisor, walkthrough_template):
    submitted = ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    url = reverse("checklists:resume", kwargs={"pk": submitted.pk})
    assert client_for(other_fca).get(url).status_code == 404
    assert client_for(supervisor).get(url).status_code == 403
    assert client_for(fca).get(url)["Location"] == submitted.get_absolute_url()


def test_a_page_shown_again_for_one_error_carries_the_new_revisions_of_the_answers_it_saved(
    client_for, fca, walkthrough_template
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "x" * 2001,
            "revision-what-happened": "0",
            "q-risk-factors": ["domestic-abuse"],
            "revision-risk-factors": "0",
        },
    )
    assert response.status_code == 400
    assert 'name="revision-risk-factors" value="1"' in response.content.decode()
    # So correcting the error and saving again is not mistaken for a conflict.
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "Shorter now",
            "revision-what-happened": "0",
            "q-risk-factors": ["substance-misuse"],
            "revision-risk-factors": "1",
        },
    )
    assert response.status_code == 302
    assert answer(checklist, "risk-factors").value == "substance-misuse"


def test_a_step_form_without_a_box_keeps_that_answer(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "what-happened", "A neighbour called the police.", revision=1)
    # A form without the "what-happened" box at all: only the tick boxes, none ticked.
    response = client.post(step_url(checklist, 1), {"action": "continue"})
    assert response.status_code == 302
    stored = answer(checklist, "what-happened")
    assert (stored.value, stored.revision) == ("A neighbour called the police.", 1)


def test_a_nul_character_is_refused_with_a_clear_message_and_the_other_answers_are_saved(
    client_for, fca, walkthrough_template
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "Shouting\x00 was heard",
            "revision-what-happened": "0",
            "q-when.day": "27",
            "q-when.month": "3",
            "q-when.year": "2026",
            "revision-when": "0",
            "action": "continue",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    message = "Your answer contains a character that cannot be saved. Remove it and try again."
    assert f'<a href="#q-what-happened">{message} (‘What is the new information?’)</a>' in content
    assert answer(checklist, "what-happened") is None
    assert answer(checklist, "when").value == "2026-03-27"


def test_moving_on_from_a_step_writes_nothing_that_autosave_already_saved(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    autosave = reverse("checklists:autosave", kwargs={"pk": checklist.pk})
    question = walkthrough_template.questions.get(key="what-happened")
    fields = {"question": question.pk, "revision-what-happened": "0", "q-what-happened": "Police called at 2am."}
    assert client.post(autosave, fields, HTTP_HX_REQUEST="true").status_code == 200
    saved = answer(checklist, "what-happened")
    checklist.refresh_from_db()
    touched = checklist.updated_at

    # The page still holds revision 1 and the same text: moving on saves nothing again.
    form = {"q-what-happened": "Police called at 2am.", "revision-what-happened": "1", "action": "continue"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(step_url(checklist, 1), form)
    assert response["Location"] == step_url(checklist, 2)
    assert not [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "checklists_answer" in q["sql"]]
    again = answer(checklist, "what-happened")
    assert (again.revision, again.updated_at) == (1, saved.updated_at)
    checklist.refresh_from_db()
    assert checklist.updated_at == touched

    # A changed answer is still written, on top of the revision the page held.
    form["q-what-happened"] = "Police called at 3am."
    client.post(step_url(checklist, 1), form)
    changed = answer(checklist, "what-happened")
    assert (changed.value, changed.revision) == ("Police called at 3am.", 2)
