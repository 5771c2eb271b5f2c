"""What the author sees of the review: who returned or signed off their checklist and when, and
each comment labelled by what it was. Older comments are labelled from the timeline."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checklists import services
from checklists.models import Checklist, Comment, Event
from tests.factories import CommentFactory, EventFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template

backfill = importlib.import_module("checklists.migrations.0009_backfill_comment_kinds")


def detail(client, checklist) -> str:
    return client.get(reverse("checklists:detail", kwargs={"pk": checklist.pk})).content.decode()


def test_the_author_sees_who_returned_it_and_the_reason_labelled(client_for, fca, supervisor, submitted, template):
    step = template.steps.get(number=2)
    services.add_comment(checklist=submitted, by=supervisor, body="Ask the school.", step=step)
    services.return_for_reflection(checklist=submitted, by=supervisor, comment="Say more about dad.")
    submitted.refresh_from_db()
    content = detail(client_for(fca), submitted)
    on = timezone.localtime(submitted.returned_at).strftime("%-d %B %Y")
    assert f"Returned by {supervisor} on <time" in content
    assert f">{on}</time>" in content
    assert f"<strong>Reason for returning</strong> from {supervisor}," in content
    assert f"<strong>Step comment</strong> from {supervisor}," in content
    assert "Signed off by" not in content


def test_the_author_sees_who_signed_it_off_and_the_note_labelled(client_for, fca, supervisor, submitted):
    services.return_for_reflection(checklist=submitted, by=supervisor, comment="Say more about dad.")
    services.submit(checklist=submitted, by=fca)
    services.sign_off(checklist=submitted, by=supervisor, comment="Well reflected.")
    submitted.refresh_from_db()
    content = detail(client_for(fca), submitted)
    on = timezone.localtime(submitted.signed_off_at).strftime("%-d %B %Y")
    assert f"Signed off by {supervisor} on <time" in content
    assert f">{on}</time>" in content
    assert f"Returned by {supervisor} on" in content  # the earlier return stays on record
    assert f"<strong>Sign-off note</strong> from {supervisor}," in content
    assert f"<strong>Reason for returning</strong> from {supervisor}," in content


def test_a_general_comment_is_labelled_as_one(client_for, fca, supervisor, submitted):
    services.add_comment(checklist=submitted, by=supervisor, body="A thoughtful start.")
    assert f"<strong>General comment</strong> from {supervisor}," in detail(client_for(fca), submitted)


def test_the_detail_page_says_nothing_of_decisions_before_any(client_for, fca, submitted):
    content = detail(client_for(fca), submitted)
    assert "Returned by" not in content and "Signed off by" not in content


def test_a_decision_without_its_event_still_shows_its_date(client_for, fca, supervisor, template):
    checklist = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=timezone.now())
    content = detail(client_for(fca), checklist)
    assert "Signed off on <time" in content


def test_the_detail_page_takes_the_same_queries_after_one_or_many_returns(
    client_for, fca, supervisor, submitted, template, django_assert_num_queries
):
    for _ in range(5):
        services.return_for_reflection(checklist=submitted, by=supervisor, comment="Again.")
        services.submit(checklist=submitted, by=fca)
    services.sign_off(checklist=submitted, by=supervisor)
    client = client_for(fca)
    detail(client, submitted)
    with CaptureQueriesContext(connection) as after_many:
        assert f"Signed off by {supervisor}" in detail(client, submitted)
    many = len(after_many.captured_queries)  # read now: the next request clears Django's query log
    once = make_checklist(fca, template)
    services.return_for_reflection(checklist=once, by=supervisor, comment="Once.")
    services.submit(checklist=once, by=fca)
    services.sign_off(checklist=once, by=supervisor)
    detail(client, once)
    with django_assert_num_queries(many):
        assert f"Signed off by {supervisor}" in detail(client, once)


# --- labelling the comments written before there were kinds ----------------------------------------


def written(checklist, author, body, *, minute, step=None):
    """A comment written `minute` minutes into the day, as each comment was, well apart from the next."""
    comment = CommentFactory(checklist=checklist, author=author, body=body, step=step)
    Comment.objects.filter(pk=comment.pk).update(created_at=START + datetime.timedelta(minutes=minute))
    comment.refresh_from_db()
    return comment


def event_after(comment, kind, seconds=0.01, actor=None):
    """The event its service wrote in the same transaction, a moment after the comment."""
    event = EventFactory(checklist=comment.checklist, kind=kind, actor=actor or comment.author)
    Event.objects.filter(pk=event.pk).update(created_at=comment.created_at + datetime.timedelta(seconds=seconds))


START = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)


def test_the_migration_labels_older_comments_from_the_events_that_followed_them(
    supervisor, other_supervisor, submitted
):
    step = submitted.template.steps.get(number=1)
    plain = written(submitted, supervisor, "On step 1", minute=0, step=step)
    event_after(plain, Event.Kind.COMMENTED)
    reason = written(submitted, supervisor, "Returned because", minute=1)
    event_after(reason, Event.Kind.RETURNED)
    note = written(submitted, supervisor, "Signed off with", minute=30)
    event_after(note, Event.Kind.SIGNED_OFF)
    # No event by its author within a minute: left as a plain comment.
    lone = written(submitted, supervisor, "No event", minute=60)
    event_after(lone, Event.Kind.RETURNED, seconds=3600)
    event_after(lone, Event.Kind.SIGNED_OFF, actor=other_supervisor)
    Comment.objects.update(kind=Comment.Kind.COMMENT)

    backfill.label_comments(apps, None)

    kinds = dict(Comment.objects.values_list("body", "kind"))
    assert kinds == {
        "On step 1": Comment.Kind.COMMENT,
        "Returned because": Comment.Kind.RETURN_REASON,
        "Signed off with": Comment.Kind.SIGN_OFF_NOTE,
        "No event": Comment.Kind.COMMENT,
    }


def test_the_migration_works_through_many_comments_in_batches(supervisor, fca, template, monkeypatch):
    monkeypatch.setattr(backfill, "BATCH", 3)
    made = []
    for _ in range(4):
        comment = written(make_checklist(fca, template), supervisor, "Returned because", minute=0)
        event_after(comment, Event.Kind.RETURNED)
        made.append(comment.pk)
    backfill.label_comments(apps, None)
    assert set(Comment.objects.filter(pk__in=made).values_list("kind", flat=True)) == {Comment.Kind.RETURN_REASON}


def test_a_comment_written_without_the_orm_is_a_plain_comment(supervisor, submitted):
    # As the benchmark's data generator writes them: no kind given, so the database's default.
    Comment.objects.bulk_create([Comment(checklist=submitted, author=supervisor, body="Bulk")])
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (checklist_id, author_id, body, created_at) VALUES (%s, %s, %s, %s)",  # noqa: S608
            [submitted.pk.hex if connection.vendor == "sqlite" else submitted.pk, supervisor.pk, "Raw", timezone.now()],
        )
    assert dict(Comment.objects.values_list("body", "kind")) == {"Bulk": "comment", "Raw": "comment"}
