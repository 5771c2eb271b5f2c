"""The read-only view of a checklist: answers by step, guidance referred to, comments and timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import Checklist, Event
from tests.factories import AnswerFactory, ChecklistFactory, CommentFactory, EventFactory, QuestionFactory

from .walkthrough_support import complete, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(client_for, fca, supervisor, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    complete(checklist)
    client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    checklist.refresh_from_db()
    CommentFactory(checklist=checklist, author=supervisor, body="Well reasoned overall.")
    return checklist


def test_the_author_reads_answers_guidance_comments_and_timeline(client_for, fca, submitted):
    response = client_for(fca).get(submitted.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "ZE21P00123: New police information" in content
    assert '<strong class="govuk-tag govuk-tag--blue">Submitted</strong>' in content
    assert "A neighbour called the police after hearing shouting." in content
    assert "Well reasoned overall." in content
    assert "Guidance referred to" in content and "Interacting risks" in content and "24%" in content
    assert "Because of the answers" in content and "Prompts" not in content
    assert 'class="moj-timeline"' in content and "Submitted for review" in content
    assert reverse("checklists:export", kwargs={"pk": submitted.pk}) in content
    # Read-only: no way to change answers from here.
    assert reverse("checklists:step", kwargs={"pk": submitted.pk, "number": 1}) not in content
    assert "no-store" in response["Cache-Control"]
    assert not submitted.events.filter(kind=Event.Kind.VIEWED).exists()


def test_a_supervisor_reading_it_is_recorded(client_for, supervisor, submitted):
    response = client_for(supervisor).get(submitted.get_absolute_url())
    assert response.status_code == 200
    assert b"Written by" in response.content
    assert submitted.events.filter(kind=Event.Kind.VIEWED, actor=supervisor).count() == 1


def test_drafts_are_hidden_from_supervisors_and_checklists_from_other_people(
    client_for, fca, other_fca, stranger_fca, supervisor, other_supervisor, editor, walkthrough_template, submitted
):
    draft = ChecklistFactory(author=fca, template=walkthrough_template)
    assert client_for(supervisor).get(draft.get_absolute_url()).status_code == 404
    for user in (other_fca, stranger_fca, other_supervisor, editor):
        assert client_for(user).get(submitted.get_absolute_url()).status_code == 404
    assert not Event.objects.filter(kind=Event.Kind.VIEWED).exists()


def test_a_draft_offers_continue_and_delete_to_its_author(client_for, fca, walkthrough_template):
    draft = ChecklistFactory(author=fca, template=walkthrough_template)
    content = client_for(fca).get(draft.get_absolute_url()).content.decode()
    assert "Continue this checklist" in content
    assert reverse("checklists:delete", kwargs={"pk": draft.pk}) in content


def _checklist_with_answers(fca, template, count):
    checklist = ChecklistFactory(author=fca, template=template, status=Checklist.Status.SUBMITTED)
    steps = list(template.steps.all())
    for index in range(count):
        question = QuestionFactory(step=steps[index % len(steps)], key=f"extra-{count}-{index}")
        AnswerFactory(checklist=checklist, question=question)
    for _ in range(count):
        EventFactory(checklist=checklist, kind=Event.Kind.EXPORTED, actor=fca)
        CommentFactory(checklist=checklist, author=fca, step=steps[0])
    return checklist


@pytest.mark.parametrize("page", ["checklists:detail", "checklists:check"])
def test_detail_and_check_pages_take_the_same_queries_for_1_or_50_answers(
    client_for, fca, walkthrough_template, django_assert_max_num_queries, page
):
    client = client_for(fca)
    small = _checklist_with_answers(fca, walkthrough_template, 1)
    large = _checklist_with_answers(fca, walkthrough_template, 50)
    if page == "checklists:check":
        Checklist.objects.update(status=Checklist.Status.RETURNED)
    client.get(reverse(page, kwargs={"pk": small.pk}))
    with django_assert_max_num_queries(16):
        assert client.get(reverse(page, kwargs={"pk": small.pk})).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse(page, kwargs={"pk": large.pk})).status_code == 200


def test_the_timeline_is_shown_twenty_events_a_page(client_for, fca, supervisor, submitted):
    for _ in range(25):
        EventFactory(checklist=submitted, kind=Event.Kind.VIEWED, actor=supervisor)
    client = client_for(fca)
    total = submitted.events.count()
    assert total > 25
    first = client.get(submitted.get_absolute_url()).content.decode()
    assert first.count('class="moj-timeline__item"') == 20
    older = f"{submitted.get_absolute_url()}?timeline=2#timeline"
    assert f'href="{older}" rel="next"' in first
    assert "Newer events" not in first
    second = client.get(submitted.get_absolute_url(), {"timeline": 2}).content.decode()
    assert second.count('class="moj-timeline__item"') == total - 20
    assert "Older events" not in second and "Newer events" in second
    # The author's own looks are not events: the timeline is as it was.
    assert submitted.events.count() == total


def test_the_detail_page_takes_the_same_queries_for_a_short_or_a_long_timeline(
    client_for, fca, supervisor, submitted, django_assert_num_queries
):
    client = client_for(fca)
    client.get(submitted.get_absolute_url())
    with CaptureQueriesContext(connection) as short:
        client.get(submitted.get_absolute_url())
    for _ in range(60):
        EventFactory(checklist=submitted, kind=Event.Kind.VIEWED, actor=supervisor)
    with django_assert_num_queries(len(short.captured_queries)):
        response = client.get(submitted.get_absolute_url())
    assert response.content.decode().count('class="moj-timeline__item"') == 20
    assert submitted.events.count() > 60
