"""The scheduler's tick, stalled-task recovery, retries and their give-up, backoff, and tasks_status."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from checklists.notifications import send_notification
from checklists.tasks import purge_checklists
from jobs.models import Claim
from jobs.retries import backoff, requeue_stalled
from jobs.schedule import tick

pytestmark = pytest.mark.django_db

PURGE = {"name": "purge_checklists", "cron": "30 2 * * *", "task": "checklists.tasks.purge_checklists"}
DIGEST = {
    "name": "overdue_digest",
    "cron": "30 7 * * 1-5",
    "task": "supervision.tasks.send_overdue_digests",
    "grace_minutes": 180,
}


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=datetime.UTC)


def runs() -> list[tuple[str, str]]:
    return sorted(DBTaskResult.objects.values_list("task_path", "status"))


def claims() -> list[str]:
    return sorted(Claim.objects.values_list("name", flat=True))


@pytest.fixture
def purge_job(settings):
    """The nightly purge alone, with the default grace of an hour."""
    settings.SCHEDULED_JOBS = [PURGE]


@pytest.fixture
def digest_job(settings):
    settings.SCHEDULED_JOBS = [DIGEST]


# --- tick ------------------------------------------------------------------------------------------


def test_a_due_job_is_enqueued_once_under_a_claim_named_after_its_slot(purge_job):
    taken = tick(utc(2026, 12, 7, 2, 31))
    assert taken == ["purge_checklists@2026-12-07T02:30+00:00"]
    assert runs() == [("checklists.tasks.purge_checklists", TaskResultStatus.READY)]
    assert claims() == ["purge_checklists@2026-12-07T02:30+00:00"]


def test_a_job_is_due_at_the_very_minute_of_its_slot_and_not_before(purge_job):
    assert tick(utc(2026, 12, 7, 2, 29, 59)) == []
    assert not DBTaskResult.objects.exists()
    assert tick(utc(2026, 12, 7, 2, 30)) == ["purge_checklists@2026-12-07T02:30+00:00"]
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(
    "later", [datetime.timedelta(0), datetime.timedelta(seconds=1), datetime.timedelta(minutes=59)]
)
def test_another_tick_in_the_same_slot_enqueues_nothing_more(purge_job, later):
    first = utc(2026, 12, 7, 2, 31)
    tick(first)
    assert tick(first + later) == []
    assert DBTaskResult.objects.count() == 1
    assert claims() == ["purge_checklists@2026-12-07T02:30+00:00"]


def test_the_next_slot_is_a_second_run_and_only_one(purge_job):
    tick(utc(2026, 12, 7, 2, 31))
    assert tick(utc(2026, 12, 8, 2, 30)) == ["purge_checklists@2026-12-08T02:30+00:00"]
    assert tick(utc(2026, 12, 8, 2, 45)) == []
    assert runs() == [("checklists.tasks.purge_checklists", TaskResultStatus.READY)] * 2
    assert claims() == ["purge_checklists@2026-12-07T02:30+00:00", "purge_checklists@2026-12-08T02:30+00:00"]


def test_a_slot_older_than_the_grace_is_skipped_not_run_late(purge_job):
    # The default grace is 60 minutes: one second past it, the night's run is let go.
    assert tick(utc(2026, 12, 7, 3, 30, 1)) == []
    assert not DBTaskResult.objects.exists()
    assert not Claim.objects.exists()
    assert tick(utc(2026, 12, 7, 3, 30)) == ["purge_checklists@2026-12-07T02:30+00:00"]


def test_each_job_has_its_own_grace(settings):
    settings.SCHEDULED_JOBS = [{**PURGE, "grace_minutes": 720}]
    assert tick(utc(2026, 12, 7, 14, 30)) == ["purge_checklists@2026-12-07T02:30+00:00"]
    settings.SCHEDULED_JOBS = [{**PURGE, "name": "strict", "grace_minutes": 5}]
    assert tick(utc(2026, 12, 8, 2, 36)) == []
    assert claims() == ["purge_checklists@2026-12-07T02:30+00:00"]


@pytest.mark.parametrize(
    ("day", "fires"),
    [
        (utc(2026, 12, 4, 7, 30), True),  # Friday
        (utc(2026, 12, 5, 7, 30), False),  # Saturday
        (utc(2026, 12, 6, 7, 30), False),  # Sunday
        (utc(2026, 12, 7, 7, 30), True),  # Monday
    ],
)
def test_the_weekday_digest_fires_monday_to_friday_only(digest_job, day, fires):
    for minutes in range(0, 181, 30):
        tick(day + datetime.timedelta(minutes=minutes))
    expected = [("supervision.tasks.send_overdue_digests", TaskResultStatus.READY)] if fires else []
    assert runs() == expected
    assert claims() == ([f"overdue_digest@{day.date().isoformat()}T07:30+00:00"] if fires else [])


def test_the_full_schedule_on_a_saturday_runs_the_nightly_jobs_but_not_the_digest():
    tick(utc(2026, 12, 5, 7, 31))
    # The actions due today are a daily morning job, weekends included; the weekly digest is Mondays'.
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "accounts.tasks.clear_sessions",
        "actions.tasks.send_due_today",
        "checklists.tasks.purge_checklists",
        "jobs.tasks.prune_finished",
    ]


def test_times_are_london_times_on_both_sides_of_the_clocks_going_forward(digest_job):
    # Friday 27 March 2026 is GMT, so 07:30 is 07:30 UTC; Monday 30 March is BST, so 07:30 is 06:30 UTC.
    assert tick(utc(2026, 3, 27, 7, 30)) == ["overdue_digest@2026-03-27T07:30+00:00"]
    assert tick(utc(2026, 3, 30, 6, 29)) == []
    assert tick(utc(2026, 3, 30, 6, 30)) == ["overdue_digest@2026-03-30T07:30+01:00"]
    assert tick(utc(2026, 3, 30, 7, 30)) == []
    assert DBTaskResult.objects.count() == 2


def test_times_are_london_times_after_the_clocks_go_back(digest_job):
    # Monday 26 October 2026 is GMT again: 07:30 is 07:30 UTC, not 06:30.
    assert tick(utc(2026, 10, 23, 6, 30)) == ["overdue_digest@2026-10-23T07:30+01:00"]
    assert tick(utc(2026, 10, 26, 6, 30)) == []
    assert tick(utc(2026, 10, 26, 7, 30)) == ["overdue_digest@2026-10-26T07:30+00:00"]


@pytest.mark.parametrize("night", [utc(2026, 3, 28, 23, 0), utc(2026, 10, 24, 23, 0)])
def test_a_job_in_the_hour_the_clocks_change_runs_once_that_night(settings, night):
    # 01:30 does not exist on the spring night and happens twice on the autumn one.
    settings.SCHEDULED_JOBS = [{**PURGE, "name": "early", "cron": "30 1 * * *"}]
    for minutes in range(0, 5 * 60, 5):
        tick(night + datetime.timedelta(minutes=minutes))
    assert DBTaskResult.objects.count() == 1
    assert Claim.objects.count() == 1


def test_a_failing_job_takes_no_claim_stops_no_other_job_and_is_tried_again(settings, caplog):
    broken = {**PURGE, "name": "broken", "task": "checklists.tasks.no_such_task"}
    settings.SCHEDULED_JOBS = [broken, PURGE]
    assert tick(utc(2026, 12, 7, 2, 31)) == ["purge_checklists@2026-12-07T02:30+00:00"]
    assert "Could not enqueue broken@2026-12-07T02:30+00:00" in caplog.text
    # The claim and the enqueue are one transaction: the broken job leaves no claim behind.
    assert list(Claim.objects.values_list("name", flat=True)) == ["purge_checklists@2026-12-07T02:30+00:00"]
    settings.SCHEDULED_JOBS = [{**broken, "task": PURGE["task"]}]
    assert tick(utc(2026, 12, 7, 2, 32)) == ["broken@2026-12-07T02:30+00:00"]


# --- stalled tasks ---------------------------------------------------------------------------------


def running_since(started_at: datetime.datetime) -> DBTaskResult:
    result = purge_checklists.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=started_at, worker_ids=["dead-worker"]
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_a_task_running_for_longer_than_any_worker_would_goes_back_on_the_queue(settings):
    settings.TASK_STALLED_AFTER_SECONDS = 900
    now = timezone.now()
    stalled = running_since(now - datetime.timedelta(seconds=901))
    recent = running_since(now - datetime.timedelta(seconds=899))

    assert requeue_stalled(now) == 1

    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert (stalled.status, stalled.started_at) == (TaskResultStatus.READY, None)
    assert (recent.status, recent.started_at) == (TaskResultStatus.RUNNING, now - datetime.timedelta(seconds=899))
    assert DBTaskResult.objects.ready().filter(pk=stalled.pk).exists()
    assert requeue_stalled(now) == 0


def test_every_tick_recovers_stalled_tasks(settings):
    settings.SCHEDULED_JOBS = []
    settings.TASK_STALLED_AFTER_SECONDS = 60
    now = utc(2026, 12, 7, 12, 0)
    stalled = running_since(now - datetime.timedelta(minutes=2))
    tick(now)
    stalled.refresh_from_db()
    assert stalled.status == TaskResultStatus.READY


# --- retries ---------------------------------------------------------------------------------------


@pytest.fixture
def mail_server_down(monkeypatch):
    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)


def enqueue_email(user) -> DBTaskResult:
    result = send_notification.enqueue("signed_off", user.pk, checklist_id=str(uuid.uuid4()))
    return DBTaskResult.objects.get(pk=result.id)


def test_an_email_that_fails_while_time_remains_is_retried_after_a_backoff(
    fca, mail_server_down, run_tasks, mailoutbox, settings
):
    settings.TASK_RETRY_BASE_SECONDS = 30
    task = enqueue_email(fca)
    before = timezone.now()
    assert run_tasks() == 1
    after = timezone.now()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert before + datetime.timedelta(seconds=30) <= task.run_after <= after + datetime.timedelta(seconds=30)
    assert task.finished_at is None
    assert task.exception_class_path == "builtins.ConnectionRefusedError"
    assert task.worker_ids == ["test-worker"]
    # Not due yet, so the worker leaves it for now.
    assert run_tasks() == 0
    assert mailoutbox == []


def test_an_email_that_fails_after_the_retry_period_stays_failed(fca, mail_server_down, run_tasks, settings, caplog):
    settings.TASK_RETRY_FOR_HOURS = 24
    task = enqueue_email(fca)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    assert run_tasks() == 1
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.finished_at is not None
    assert task.exception_class_path == "builtins.ConnectionRefusedError"
    assert f"Task id={task.pk} failed its last attempt" in caplog.text
    assert run_tasks() == 0
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.FAILED


def test_the_last_retry_is_no_later_than_the_end_of_the_retry_period(fca, mail_server_down, run_tasks, settings):
    settings.TASK_RETRY_FOR_HOURS = 24
    settings.TASK_RETRY_BASE_SECONDS = 600
    task = enqueue_email(fca)
    enqueued_at = timezone.now() - datetime.timedelta(hours=24) + datetime.timedelta(seconds=60)
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=enqueued_at)
    run_tasks()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY
    assert task.run_after == enqueued_at + datetime.timedelta(hours=24)


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (5, 480), (6, 900), (7, 900), (40, 900)],
)
def test_backoff_doubles_from_the_base_and_is_capped(settings, attempts, seconds):
    settings.TASK_RETRY_BASE_SECONDS = 30
    settings.TASK_RETRY_MAX_DELAY_SECONDS = 900
    assert backoff(attempts) == datetime.timedelta(seconds=seconds)


# --- tasks_status ----------------------------------------------------------------------------------


def tasks_status() -> list[str]:
    out = StringIO()
    call_command("tasks_status", stdout=out)
    return out.getvalue().splitlines()


def test_tasks_status_on_an_empty_queue():
    assert tasks_status() == [
        "Waiting: 0 (0 due now, 0 waiting to retry)",
        "Oldest waiting: none",
        "Running: 0",
        "Failed: 0",
    ]


def test_tasks_status_counts_the_queue_and_shows_the_oldest_waiting_task():
    now = timezone.now()

    def row(**fields) -> None:
        DBTaskResult.objects.filter(pk=purge_checklists.enqueue().id).update(**fields)

    oldest = (now - datetime.timedelta(hours=3)).replace(microsecond=0)
    row(enqueued_at=oldest)  # due: no run_after
    row(run_after=now - datetime.timedelta(minutes=1))  # due: its time has come
    row(run_after=now + datetime.timedelta(minutes=5))  # waiting to retry
    row(status=TaskResultStatus.RUNNING, started_at=now)
    row(status=TaskResultStatus.FAILED, finished_at=now, enqueued_at=now - datetime.timedelta(days=9))
    row(status=TaskResultStatus.FAILED, finished_at=now)
    row(status=TaskResultStatus.SUCCESSFUL, finished_at=now, enqueued_at=now - datetime.timedelta(days=9))

    lines = tasks_status()
    assert lines[0] == "Waiting: 3 (2 due now, 1 waiting to retry)"
    when = timezone.localtime(oldest)
    assert lines[1] == f"Oldest waiting: enqueued {when:%Y-%m-%d %H:%M:%S} (3\xa0hours ago)"
    assert lines[2:] == ["Running: 1", "Failed: 2"]


def test_the_system_check_names_a_job_whose_task_or_cron_is_wrong(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.SCHEDULED_JOBS = [
        {"name": "typo", "cron": "30 2 * * *", "task": "checklists.tasks.purge_checklist"},
        {"name": "bad-cron", "cron": "99 2 * * *", "task": "checklists.tasks.purge_checklists"},
    ]
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "Scheduled job 'typo' names no task" in str(raised.value)
    assert "Scheduled job 'bad-cron' has a bad cron expression" in str(raised.value)
