"""The workforce load reads the pages the app really renders: questions, choices and revisions."""

import pytest
from django.urls import reverse

from bench.workforce_pages import (
    autosave_form,
    comment_steps,
    controls,
    mask,
    parse_questions,
    revision_after_save,
    select_options,
    url_regex,
)
from checklists.models import Checklist
from tests.checklists.walkthrough_support import questions, start, step_url

pytestmark = pytest.mark.django_db
PK = "0b7f3c52-8a43-4a55-9f57-2d4c1c6e9a10"


def test_a_url_pattern_finds_its_paths_but_not_longer_ones():
    review = url_regex("/supervision/{pk}/")

    page = f'<a href="/supervision/{PK}/">Open</a> <form action="/supervision/{PK}/comment/">'

    assert [match.group("pk") for match in review.finditer(page)] == [PK]
    step = url_regex("/checklists/{pk}/steps/{number}/").search(f"https://host/checklists/{PK}/steps/3/")
    assert step.group("pk", "number") == (PK, "3")


def test_the_step_page_gives_every_question_with_its_kind_choices_and_revision(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    by_key = questions(walkthrough_template)

    first = parse_questions(client.get(step_url(checklist, 1)).content.decode())
    second = parse_questions(client.get(step_url(checklist, 2)).content.decode())

    assert [(q["key"], q["kind"], q["id"], q["revision"]) for q in first] == [
        ("what-happened", "long text", by_key["what-happened"].pk, 0),
        ("risk-factors", "checkbox", by_key["risk-factors"].pk, 0),
        ("when", "date", by_key["when"].pk, 0),
    ]
    assert first[1]["options"] == ["domestic-abuse", "substance-misuse", "parental-mental-health"]
    assert [(q["key"], q["kind"], q["options"]) for q in second] == [
        ("safe-now", "radio", ["yes", "no", "unsure"]),
        ("threshold", "radio", ["s17", "s47"]),
        ("summary", "short text", []),
    ]


def test_what_the_load_autosaves_is_saved_and_the_reply_gives_the_next_revision(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    question = parse_questions(client.get(step_url(checklist, 1)).content.decode())[0]
    autosave = reverse("checklists:autosave", kwargs={"pk": checklist.pk})

    for text in ("The police attended.", "The police attended. The child was asleep."):
        form = autosave_form(question, {"q-what-happened": text})
        reply = client.post(autosave, form, headers={"HX-Request": "true"})
        assert reply.status_code == 200
        question["revision"] = revision_after_save(reply.status_code, reply.content.decode(), question)

    assert question["revision"] == 2
    saved = checklist.answers.get(question_id=question["id"])
    assert (saved.value, saved.revision) == ("The police attended. The child was asleep.", 2)


def test_a_stale_save_is_refused_and_the_load_carries_on_from_the_saved_revision(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    question = parse_questions(client.get(step_url(checklist, 1)).content.decode())[0]
    autosave = reverse("checklists:autosave", kwargs={"pk": checklist.pk})
    client.post(autosave, autosave_form(question, {"q-what-happened": "Saved in another tab."}))

    reply = client.post(autosave, autosave_form(question, {"q-what-happened": "Typed here."}))

    assert reply.status_code == 409
    assert revision_after_save(409, reply.content.decode(), question) == 1


def test_the_review_page_offers_the_checklist_s_steps_to_comment_on(client_for, fca, supervisor, walkthrough_template):
    checklist = start(client_for(fca), walkthrough_template)
    Checklist.objects.filter(pk=checklist.pk).update(status=Checklist.Status.SUBMITTED)
    page = client_for(supervisor).get(reverse("supervision:review", kwargs={"pk": checklist.pk})).content.decode()

    steps = [str(step.pk) for step in walkthrough_template.steps.order_by("number")]

    # Each step's comment form carries its step; the decision's return is about the whole checklist.
    assert comment_steps(page) == steps
    assert select_options(page, "comment-step") == []
    assert select_options(page, "return-step") == []


def test_controls_read_attributes_in_any_order_and_quoting():
    page = """<input value='3' name="revision-x" type=hidden><textarea name="q-x" id="q-x">Hi</textarea>"""

    found = [(c["tag"], c["name"], c.get("value"), c.get("type")) for c in controls(page)]

    assert found == [("input", "revision-x", "3", "hidden"), ("textarea", "q-x", None, None)]


def test_error_paths_are_masked_so_errors_group_by_kind():
    assert mask(f"https://127.0.0.1:8000/checklists/{PK}/steps/2/?x=1") == "/checklists/<pk>/steps/2/"
    assert mask("") == ""
