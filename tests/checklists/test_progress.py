"""Progress an FCA can see: each step's status on the step list and on check your answers."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import Question
from tests.factories import AnswerFactory, ChecklistFactory, ChecklistTemplateFactory, QuestionFactory, StepFactory

from .walkthrough_support import autosave_url, complete, questions, save, start, step_url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


def task_list(content: str) -> str:
    return content.split('<ul class="govuk-task-list" id="step-task-list"')[1].split("</ul>")[0]


def tasks(content: str) -> dict[str, str]:
    """Each task's title and what its status says, in order."""
    found = {}
    for item in task_list(content).split('<li class="govuk-task-list__item')[1:]:
        title = re.search(r'(?:aria-current="step"|aria-describedby="[^"]*"|<div)>([^<]+)<', item).group(1)
        status = re.sub(r"<[^>]+>", "", item.split('class="govuk-task-list__status')[1].split(">", 1)[1]).strip()
        found[title.strip()] = status.split("\n")[0].strip()
    return found


def card_status(content: str, number: int) -> str:
    status = content.split(f'id="step-{number}-status">')[1].split("</p>")[0]
    return " ".join(re.sub(r"<[^>]+>", " ", status).split())


def test_a_new_checklist_lists_every_step_as_not_started_and_submitting_as_not_possible_yet(
    client_for, fca, walkthrough_template
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    content = client.get(step_url(checklist, 1)).content.decode()
    assert tasks(content) == {
        "1. What? The information": "Not started",
        "2. So What? What it means for the child": "Not started",
        "3. Then What? Options and actions": "Not started",
        "Check your answers and submit": "Cannot start yet",
    }
    listed = task_list(content)
    assert "Answer 4 more required questions first" in listed
    assert 'class="govuk-task-list__status govuk-task-list__status--cannot-start-yet"' in listed
    # The step being shown, and checking answers that cannot start yet, are not links.
    assert f'href="{step_url(checklist, 1)}"' not in listed
    assert f'href="{step_url(checklist, 2)}"' in listed
    assert reverse("checklists:check", kwargs={"pk": checklist.pk}) not in listed
    assert '<div class="app-step-nav__current" aria-current="step">1. What? The information</div>' in listed


def test_a_step_is_in_progress_with_its_missing_answers_counted_until_every_required_one_is_answered(
    client_for, fca, walkthrough_template
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "when", "2026-03-27")  # optional
    content = client.get(step_url(checklist, 2)).content.decode()
    assert tasks(content)["1. What? The information"] == "In progress"
    assert '<div id="step-1-hint" class="govuk-task-list__hint">2 required questions not answered</div>' in content
    assert 'aria-describedby="step-1-hint step-1-status"' in content
    assert '<strong class="govuk-tag govuk-tag--light-blue">In progress</strong>' in content

    save(checklist, "what-happened", "Shouting was heard.")
    content = client.get(step_url(checklist, 2)).content.decode()
    assert "1 required question not answered" in content
    # A blank answer is no answer.
    save(checklist, "risk-factors", "")
    assert "1 required question not answered" in client.get(step_url(checklist, 2)).content.decode()

    save(checklist, "risk-factors", "domestic-abuse")
    content = client.get(step_url(checklist, 2)).content.decode()
    assert tasks(content)["1. What? The information"] == "Completed"
    assert "step-1-hint" not in content
    assert tasks(content)["Check your answers and submit"] == "Cannot start yet"
    assert "Answer 2 more required questions first" in content


def test_checking_answers_can_start_once_every_required_question_is_answered(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    complete(checklist)
    content = client.get(step_url(checklist, 3)).content.decode()
    assert tasks(content) == {
        "1. What? The information": "Completed",
        "2. So What? What it means for the child": "Completed",
        "3. Then What? Options and actions": "Completed",
        "Check your answers and submit": "Not started",
    }
    check_url = reverse("checklists:check", kwargs={"pk": checklist.pk})
    assert f'href="{check_url}" aria-describedby="check-status"' in task_list(content)
    assert "cannot-start-yet" not in content


def test_a_step_with_only_optional_questions_is_completed_once_anything_is_answered(
    client_for, fca, walkthrough_template
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    Question.objects.filter(key="safe-now").update(required=False)
    assert tasks(client.get(step_url(checklist, 1)).content.decode())["2. So What? What it means for the child"] == (
        "Not started"
    )
    save(checklist, "summary", "All quiet.")
    assert tasks(client.get(step_url(checklist, 1)).content.decode())["2. So What? What it means for the child"] == (
        "Completed"
    )


def test_a_refused_step_form_shows_the_progress_of_the_answers_it_did_save(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(
        step_url(checklist, 1),
        {
            "q-what-happened": "Saved all the same",
            "revision-what-happened": "0",
            "q-when.day": "31",
            "action": "continue",
        },
    )
    assert response.status_code == 400
    assert tasks(response.content.decode())["1. What? The information"] == "In progress"


def test_an_autosave_sends_the_step_list_with_its_new_progress(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    question = questions(checklist.template)["what-happened"]
    response = client.post(
        autosave_url(checklist),
        {"question": question.pk, "q-what-happened": "Shouting was heard.", "revision-what-happened": "0"},
        headers=HX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert '<ul class="govuk-task-list" id="step-task-list" hx-swap-oob="true">' in content
    assert tasks(content)["1. What? The information"] == "In progress"
    assert 'aria-current="step">1. What? The information<' in content
    assert "<textarea" not in content  # still never the input itself
    # A refused save changes nothing, so it sends no step list.
    response = client.post(
        autosave_url(checklist),
        {"question": question.pk, "q-what-happened": "From a stale tab", "revision-what-happened": "0"},
        headers=HX,
    )
    assert response.status_code == 409 and "step-task-list" not in response.content.decode()


def test_check_your_answers_shows_a_summary_card_per_step_with_its_status(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    save(checklist, "what-happened", "A long narrative answer. " * 40)
    save(checklist, "risk-factors", "domestic-abuse")
    save(checklist, "summary", "In a line")
    content = client.get(reverse("checklists:check", kwargs={"pk": checklist.pk})).content.decode()
    assert content.count('<div class="govuk-summary-card"') == 4  # the case, then one per step
    assert '<h2 class="govuk-summary-card__title">1. What? The information</h2>' in content
    assert 'class="govuk-grid-column-full"' in content.split('id="step-1"')[0].rsplit("govuk-grid-row", 1)[1]
    assert card_status(content, 1) == "Completed"
    assert card_status(content, 2) == "In progress : 1 required question not answered"
    assert card_status(content, 3) == "Not started : 1 required question not answered"
    assert "Answer 2 more required questions before you submit. The steps above say which." in content
    assert "govuk-error-summary" not in content

    complete(checklist)
    content = client.get(reverse("checklists:check", kwargs={"pk": checklist.pk})).content.decode()
    assert [card_status(content, number) for number in (1, 2, 3)] == ["Completed"] * 3
    assert "govuk-warning-text" not in content


def test_a_refused_submit_flags_the_missing_answers_in_their_cards(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    response = client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    assert response.status_code == 400
    content = response.content.decode()
    card = content.split('id="step-3"')[1].split('<div class="govuk-summary-card"')[0]
    assert "Answer this question before you submit" in card
    assert "govuk-warning-text" not in content  # the error summary says it instead


def _template_of_size(steps: int, questions_per_step: int):
    template = ChecklistTemplateFactory()
    for number in range(1, steps + 1):
        step = StepFactory(template=template, number=number)
        for order in range(questions_per_step):
            QuestionFactory(step=step, order=order, required=order % 2 == 0)
    return template


def _answered_checklist(fca, template, answered_share: float):
    checklist = ChecklistFactory(author=fca, template=template)
    all_questions = list(template.questions.all())
    for question in all_questions[: int(len(all_questions) * answered_share)]:
        AnswerFactory(checklist=checklist, question=question)
    # Other people's answers to the same template are never read.
    other = ChecklistFactory(template=template)
    for question in all_questions:
        AnswerFactory(checklist=other, question=question)
    return checklist


@pytest.mark.parametrize("page", ["step", "check"])
def test_the_step_and_check_pages_take_the_same_queries_for_a_small_or_a_large_checklist(
    client_for, fca, django_assert_num_queries, django_assert_max_num_queries, plus_session, page
):
    client = client_for(fca)
    small = _answered_checklist(fca, _template_of_size(steps=2, questions_per_step=2), 0.5)
    large = _answered_checklist(fca, _template_of_size(steps=15, questions_per_step=12), 0.7)

    def url(checklist):
        if page == "step":
            return step_url(checklist, 2)
        return reverse("checklists:check", kwargs={"pk": checklist.pk})

    client.get(url(small))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(small)).status_code == 200
    # The step page's budget is fixed: the statuses come with the steps, not in queries of their own.
    with django_assert_max_num_queries(plus_session(12) if page == "step" else 16):
        assert client.get(url(small)).status_code == 200
    with django_assert_num_queries(len(queries.captured_queries)):
        content = client.get(url(large)).content.decode()
    # 126 of 180 answered: ten steps done, half of the eleventh, none of the last four.
    if page == "step":
        statuses = list(tasks(content).values())
    else:
        statuses = [card_status(content, number).split(" :")[0] for number in range(1, 16)]
    assert statuses[:15] == ["Completed"] * 10 + ["In progress"] + ["Not started"] * 4
