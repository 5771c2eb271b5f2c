"""Reminders about actions: the morning email on the day they fall due, and the weekly digest of overdue ones."""

import datetime
import socket

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from actions.models import Action
from actions.tasks import send_due_today, send_overdue_actions
from jobs.models import Claim
from jobs.schedule import tick
from tests.factories import ActionFactory, ChecklistFactory, UserFactory

pytestmark = pytest.mark.django_db

REMINDER = "actions.tasks.send_action_reminder"


def days(number: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=number)


def action_for(author, template, description, *, due, status=Action.Status.OPEN) -> Action:
    checklist = ChecklistFactory(template=template, author=author, title=f"Checklist about {description}")
    return ActionFactory(
        checklist=checklist,
        question=template.questions.get(key="then-what"),
        description=description,
        due_on=days(due),
        status=status,
        closed_on=None if status == Action.Status.OPEN else days(0),
    )


def queued() -> list[tuple[str, int, int]]:
    """(kind, user id, count) of each reminder waiting on the queue."""
    rows = DBTaskResult.objects.filter(task_path=REMINDER).values_list("args_kwargs", flat=True)
    return sorted(tuple(row["args"]) for row in rows)


@pytest.fixture
def people(fca, other_fca, stranger_fca, action_template):
    """fca: two due today, one overdue by a week, one overdue by a day; other_fca: one due today and one
    long overdue; stranger_fca: only future and closed ones; an inactive FCA and one without an address
    have actions due today and overdue."""
    made = {
        "fca": [
            action_for(fca, action_template, "Ring the school about attendance", due=0),
            action_for(fca, action_template, "Visit the grandmother", due=0),
            action_for(fca, action_template, "Ask the police for the callout log", due=-7),
            action_for(fca, action_template, "Chase the GP letter", due=-1),
            action_for(fca, action_template, "Due tomorrow", due=1),
            action_for(fca, action_template, "Closed, due today", due=0, status=Action.Status.DONE),
            action_for(fca, action_template, "Closed, overdue", due=-3, status=Action.Status.NOT_NEEDED),
        ],
        "other_fca": [
            action_for(other_fca, action_template, "Speak to the father", due=0),
            action_for(other_fca, action_template, "Read the disclosure", due=-30),
        ],
        "stranger_fca": [
            action_for(stranger_fca, action_template, "Next month", due=30),
            action_for(stranger_fca, action_template, "Carried on", due=-2, status=Action.Status.CARRIED_FORWARD),
        ],
    }
    gone = UserFactory(username="gone", is_active=False)
    no_address = UserFactory(username="no-address", email="")
    for user in (gone, no_address):
        action_for(user, action_template, f"Due today for {user.username}", due=0)
        action_for(user, action_template, f"Overdue for {user.username}", due=-2)
    return {"actions": made, "gone": gone, "no_address": no_address}


def assert_no_details(message, actions) -> None:
    text = f"{message.subject}\n{message.body}"
    for action in actions:
        assert action.description not in text
        assert action.checklist.case_reference not in text
        assert action.checklist.title not in text
        assert str(action.checklist.pk) not in text
        assert reverse("actions:detail", kwargs={"pk": action.pk}) not in text


# --- on the day ------------------------------------------------------------------------------------


def test_each_person_with_actions_due_today_gets_one_reminder_with_the_count(people, fca, other_fca):
    assert send_due_today.call() == 2

    assert queued() == sorted([("due_today", fca.pk, 2), ("due_today", other_fca.pk, 1)])
    today = timezone.localdate().isoformat()
    assert sorted(Claim.objects.values_list("name", flat=True)) == sorted(
        [f"actions_due:{today}:{fca.pk}", f"actions_due:{today}:{other_fca.pk}"]
    )


def test_a_second_run_the_same_day_sends_nothing_more(people, fca, other_fca):
    send_due_today.call()

    assert send_due_today.call() == 0
    assert len(queued()) == 2


def test_nothing_due_today_means_no_reminder(fca, action_template):
    action_for(fca, action_template, "Tomorrow", due=1)

    assert send_due_today.call() == 0
    assert not DBTaskResult.objects.exists()
    assert not Claim.objects.exists()


def test_the_morning_email_holds_a_count_and_a_link_and_nothing_about_the_actions(
    people, fca, other_fca, stranger_fca, run_tasks, mailoutbox, settings
):
    settings.SITE_URL = "https://practicehub.example.org"
    send_due_today.enqueue()

    # The job, then the two emails it enqueued.
    assert run_tasks() == 3
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == sorted([fca.email, other_fca.email])
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = by_address[fca.email]
    assert message.subject == "Practice Hub: actions due today"
    assert "You have 2 actions due today." in message.body
    assert "https://practicehub.example.org/actions/" in message.body
    assert "You have 1 action due today." in by_address[other_fca.email].body
    assert "This email does not contain case details." in message.body
    everything = [action for actions in people["actions"].values() for action in actions]
    for sent in mailoutbox:
        assert_no_details(sent, everything)


# --- the weekly digest ---------------------------------------------------------------------------------


def test_each_person_with_overdue_actions_gets_one_digest_with_the_count(people, fca, other_fca):
    assert send_overdue_actions.call() == 2

    assert queued() == sorted([("overdue", fca.pk, 2), ("overdue", other_fca.pk, 1)])
    year, week, _ = timezone.localdate().isocalendar()
    assert sorted(Claim.objects.values_list("name", flat=True)) == sorted(
        [f"actions_overdue:{year}-W{week:02d}:{fca.pk}", f"actions_overdue:{year}-W{week:02d}:{other_fca.pk}"]
    )
    assert send_overdue_actions.call() == 0


def test_the_digest_email_holds_a_count_and_a_link_and_nothing_about_the_actions(
    people, fca, other_fca, run_tasks, mailoutbox, settings
):
    settings.SITE_URL = "https://practicehub.example.org"
    send_overdue_actions.enqueue()

    assert run_tasks() == 3
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == sorted([fca.email, other_fca.email])
    message = by_address[fca.email]
    assert message.subject == "Practice Hub: overdue actions"
    assert "You have 2 overdue actions." in message.body
    assert "https://practicehub.example.org/actions/" in message.body
    assert "You have 1 overdue action." in by_address[other_fca.email].body
    everything = [action for actions in people["actions"].values() for action in actions]
    for sent in mailoutbox:
        assert_no_details(sent, everything)


# --- who is skipped --------------------------------------------------------------------------------------


def test_inactive_people_and_people_without_an_address_get_nothing(people, run_tasks, mailoutbox):
    send_due_today.enqueue()
    send_overdue_actions.enqueue()
    run_tasks()

    told = {user_id for _, user_id, _ in queued()}
    assert people["gone"].pk not in told and people["no_address"].pk not in told
    assert len(mailoutbox) == 4
    assert "" not in {message.to[0] for message in mailoutbox}


def test_someone_deactivated_after_the_reminder_was_queued_is_skipped(fca, action_template, run_tasks, mailoutbox):
    action_for(fca, action_template, "Due today", due=0)
    send_due_today.call()
    type(fca).objects.filter(pk=fca.pk).update(is_active=False)

    assert run_tasks() == 1

    assert mailoutbox == []
    assert DBTaskResult.objects.get(task_path=REMINDER).return_value == "skipped"


# --- the schedule ------------------------------------------------------------------------------------------


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def test_the_reminders_are_scheduled_at_seven_each_morning_and_a_quarter_to_eight_on_mondays(settings):
    settings.SCHEDULED_JOBS = [job for job in django_settings.SCHEDULED_JOBS if job["name"].startswith("actions_")]
    assert {job["name"] for job in settings.SCHEDULED_JOBS} == {"actions_due", "actions_overdue"}

    # Sunday 29 March 2026, the first day of British Summer Time: 07:00 in London is 06:00 UTC.
    assert tick(utc(2026, 3, 29, 6, 1)) == ["actions_due@2026-03-29T07:00+01:00"]
    # Monday 30 March 2026: the morning email, and at 07:45 the weekly digest.
    assert tick(utc(2026, 3, 30, 6, 1)) == ["actions_due@2026-03-30T07:00+01:00"]
    assert tick(utc(2026, 3, 30, 6, 46)) == ["actions_overdue@2026-03-30T07:45+01:00"]
    # Tuesday: no digest.
    assert tick(utc(2026, 3, 31, 6, 46)) == ["actions_due@2026-03-31T07:00+01:00"]
    paths = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert paths == [
        "actions.tasks.send_due_today",
        "actions.tasks.send_due_today",
        "actions.tasks.send_due_today",
        "actions.tasks.send_overdue_actions",
    ]


def test_a_reminder_is_tried_again_later_while_the_mail_server_is_away(fca, action_template, run_tasks, settings):
    with socket.socket() as probe:  # a port that nothing listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    action_for(fca, action_template, "Due today", due=0)
    send_due_today.call()

    assert run_tasks() == 1

    reminder = DBTaskResult.objects.get(task_path=REMINDER)
    assert reminder.status == TaskResultStatus.READY
    assert reminder.run_after > timezone.now()
