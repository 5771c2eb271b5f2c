"""A template's steps, questions, linked guidance and prompts are cached between requests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from guidance.models import PracticePoint
from tests.factories import ChecklistTemplateFactory, QuestionFactory

from .walkthrough_support import autosave_url, start, step_url


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), " ".join(q["sql"] for q in queries.captured_queries)


def test_the_second_step_page_reads_no_template_structure(client_for, fca, walkthrough_template, caching):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    _, first = _get(client, step_url(checklist, 2))
    assert 'FROM "checklists_step"' in first
    html, second = _get(client, step_url(checklist, 2))
    assert 'FROM "checklists_step"' not in second
    assert 'FROM "checklists_question"' not in second
    assert 'FROM "checklists_prompt"' not in second
    assert 'FROM "checklists_answer"' in second  # answers are never cached
    assert "Interacting risks" in html


def test_an_editors_change_to_linked_guidance_shows_at_once(client_for, fca, walkthrough_template, caching):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    _get(client, step_url(checklist, 2))
    point = PracticePoint.objects.get(key="interacting-risks")
    point.body = "Ask who else lives in the household."
    point.save()
    html, _ = _get(client, step_url(checklist, 2))
    assert "Ask who else lives in the household." in html
    assert point.steps.filter(template=walkthrough_template).exists()


def test_a_change_to_a_question_retires_the_cached_structure(client_for, fca, walkthrough_template, caching):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    _get(client, step_url(checklist, 2))
    # A used version is frozen in admin, but a save from anywhere else must still be seen.
    question = walkthrough_template.questions.filter(step__number=2).first()
    question.text = "Is the child safe tonight?"
    question.save()
    html, second = _get(client, step_url(checklist, 2))
    assert 'FROM "checklists_question"' in second
    assert "Is the child safe tonight?" in html


def test_autosave_finds_its_question_in_the_cached_structure(client_for, fca, walkthrough_template, caching):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    _get(client, step_url(checklist, 1))
    question = walkthrough_template.questions.get(key="what-happened")
    data = {"question": str(question.pk), "q-what-happened": "Shouting was heard.", "revision-what-happened": "0"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(autosave_url(checklist), data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert not any('FROM "checklists_question"' in q["sql"] for q in queries.captured_queries)
    assert checklist.answers.get().value == "Shouting was heard."


def test_autosave_refuses_another_templates_question_from_the_cached_structure(
    client_for, fca, walkthrough_template, caching
):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    other = QuestionFactory(step__template=ChecklistTemplateFactory(), key="what-happened")
    data = {"question": str(other.pk), "q-what-happened": "Text", "revision-what-happened": "0"}
    response = client.post(autosave_url(checklist), data, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert b"not part of this checklist" in response.content
    assert not checklist.answers.exists()
