"""The scheduled jobs themselves: overdue digests, checklist purge, session clearing and queue pruning."""

import datetime
from importlib import import_module

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership
from accounts.tasks import clear_sessions
from checklists.models import Checklist, PurgeRecord
from checklists.tasks import purge_checklists
from jobs.models import Claim
from jobs.tasks import prune_finished
from supervision.tasks import send_overdue_digests
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import days_ago, make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
template = supervision_support.template

NOTIFICATION = "checklists.notifications.send_notification"


# --- overdue digests -------------------------------------------------------------------------------


def overdue(author, template, **kwargs) -> Checklist:
    checklist = make_checklist(author, template, **kwargs)
    # Two weeks is ten working days whatever today is, well past the five allowed.
    Checklist.objects.filter(pk=checklist.pk).update(submitted_at=days_ago(14))
    return checklist


def digests() -> list[tuple[int, int]]:
    """(user id, count) of each digest email waiting on the queue."""
    rows = DBTaskResult.objects.filter(task_path=NOTIFICATION).values_list("args_kwargs", flat=True)
    assert all(row["args"][0] == "overdue_digest" for row in rows)
    return sorted((row["args"][1], row["kwargs"]["count"]) for row in rows)


@pytest.fixture
def teams(settings, fca, supervisor, other_supervisor, stranger_fca, north, template):
    """North has two overdue checklists; South has only a fresh one; East's lead wrote East's only overdue one."""
    settings.REVIEW_OVERDUE_WORKING_DAYS = 5
    north_overdue = [overdue(fca, template), overdue(fca, template)]
    make_checklist(fca, template)  # submitted today
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    Checklist.objects.filter(pk=signed_off.pk).update(submitted_at=days_ago(30))
    make_checklist(fca, template, status=Checklist.Status.DRAFT, created_at=days_ago(30))
    make_checklist(stranger_fca, template)

    east = TeamFactory(name="East", slug="east")
    lead = UserFactory(username="east-lead")
    deputy = UserFactory(username="east-deputy")
    for user in (lead, deputy):
        MembershipFactory(user=user, team=east, role=Membership.Role.SUPERVISOR)
    east_overdue = overdue(lead, template, team=east)

    gone = UserFactory(username="gone", is_active=False)
    no_address = UserFactory(username="no-address", email="")
    for user in (gone, no_address):
        MembershipFactory(user=user, team=north, role=Membership.Role.SUPERVISOR)
    return {
        "lead": lead,
        "deputy": deputy,
        "gone": gone,
        "no_address": no_address,
        "overdue": [*north_overdue, east_overdue],
    }


def test_each_supervisor_with_overdue_checklists_gets_one_digest(teams, supervisor):
    assert send_overdue_digests.call() == 2
    # North's supervisor counts North's two; East's lead wrote East's only one, so only the deputy hears of it.
    assert digests() == sorted([(supervisor.pk, 2), (teams["deputy"].pk, 1)])
    today = timezone.localdate().isoformat()
    assert sorted(Claim.objects.values_list("name", flat=True)) == sorted(
        [f"overdue_digest:{today}:{supervisor.pk}", f"overdue_digest:{today}:{teams['deputy'].pk}"]
    )


def test_nobody_else_gets_a_digest(teams, other_supervisor):
    send_overdue_digests.call()
    told = {user_id for user_id, _ in digests()}
    for nobody in (other_supervisor, teams["lead"], teams["gone"], teams["no_address"]):
        assert nobody.pk not in told


def test_a_second_run_the_same_day_enqueues_nothing_more(teams, supervisor):
    send_overdue_digests.call()
    assert send_overdue_digests.call() == 0
    assert digests() == sorted([(supervisor.pk, 2), (teams["deputy"].pk, 1)])
    assert Claim.objects.count() == 2


def test_nothing_overdue_means_no_digest(settings, fca, supervisor, template):
    settings.REVIEW_OVERDUE_WORKING_DAYS = 5
    make_checklist(fca, template)
    assert send_overdue_digests.call() == 0
    assert not DBTaskResult.objects.exists()
    assert not Claim.objects.exists()


def test_the_digest_email_gives_the_count_and_a_link_and_no_case_details(
    teams, supervisor, run_tasks, mailoutbox, settings
):
    settings.SITE_URL = "https://practicehub.example.org"
    send_overdue_digests.enqueue()
    # The job, then the two emails it enqueued.
    assert run_tasks() == 3
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    by_address = {message.to[0]: message for message in mailoutbox}
    assert sorted(by_address) == sorted([supervisor.email, teams["deputy"].email])
    assert all(len(message.to) == 1 for message in mailoutbox)

    message = by_address[supervisor.email]
    assert message.subject == "Practice Hub: checklists waiting for review"
    assert "2 checklists have waited more than 5 working days for review in your teams." in message.body
    assert f"https://practicehub.example.org{reverse('supervision:queue')}" in message.body
    assert "1 checklist has waited more than 5 working days" in by_address[teams["deputy"].email].body
    for sent in mailoutbox:
        text = f"{sent.subject}\n{sent.body}"
        for checklist in teams["overdue"]:
            assert checklist.case_reference not in text
            assert checklist.title not in text
            assert checklist.author.get_full_name() not in text
            assert checklist.author.last_name not in text
            assert str(checklist.pk) not in text


# --- purge_checklists ------------------------------------------------------------------------------


def test_the_purge_job_deletes_old_signed_off_checklists_only_once(settings, fca, template):
    settings.CHECKLIST_RETENTION_DAYS = 730
    old = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=days_ago(731))
    recent = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=days_ago(729))
    waiting = make_checklist(fca, template, submitted_at=days_ago(900))

    assert purge_checklists.call() == {"checklists": 1, "answers": 3, "comments": 0}
    assert not Checklist.objects.filter(pk=old.pk).exists()
    assert set(Checklist.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert list(PurgeRecord.objects.values_list("checklist_id", flat=True)) == [old.pk]

    assert purge_checklists.call() == {"checklists": 0, "answers": 0, "comments": 0}
    assert Checklist.objects.count() == 2
    assert PurgeRecord.objects.count() == 1


def test_the_purge_job_runs_on_the_queue(settings, fca, template, run_tasks):
    settings.CHECKLIST_RETENTION_DAYS = 30
    make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=days_ago(31))
    purge_checklists.enqueue()
    assert run_tasks() == 1
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == (
        TaskResultStatus.SUCCESSFUL,
        {"checklists": 1, "answers": 3, "comments": 0},
    )
    assert not Checklist.objects.exists()


# --- clear_sessions --------------------------------------------------------------------------------


def a_session(expires: datetime.datetime) -> str:
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store["note"] = "kept until it expires"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=expires)
    return store.session_key


def test_clear_sessions_deletes_expired_sessions_and_keeps_live_ones():
    # db and cached_db (with REDIS_URL) both keep every session as a row of the Session table.
    assert django_settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )
    expired = a_session(timezone.now() - datetime.timedelta(minutes=1))
    live = a_session(timezone.now() + datetime.timedelta(hours=1))
    assert Session.objects.count() == 2

    clear_sessions.call()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert not Session.objects.filter(session_key=expired).exists()


def test_clear_sessions_runs_on_the_queue(run_tasks):
    a_session(timezone.now() - datetime.timedelta(days=1))
    clear_sessions.enqueue()
    assert run_tasks() == 1
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert not Session.objects.exists()


# --- prune_finished --------------------------------------------------------------------------------


def a_task(status, finished_days_ago: float | None = None) -> str:
    result = purge_checklists.enqueue()
    finished_at = None if finished_days_ago is None else timezone.now() - datetime.timedelta(days=finished_days_ago)
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
    return str(result.id)


def a_claim(name: str, days_old: float) -> None:
    Claim.take(name)
    Claim.objects.filter(name=name).update(created_at=timezone.now() - datetime.timedelta(days=days_old))


def test_prune_deletes_old_finished_tasks_and_keeps_failures_longer(settings):
    settings.TASK_RESULTS_KEPT_DAYS = 14
    kept = {
        a_task(TaskResultStatus.SUCCESSFUL, 13),
        a_task(TaskResultStatus.FAILED, 15),
        a_task(TaskResultStatus.FAILED, 55),
        a_task(TaskResultStatus.READY),
        a_task(TaskResultStatus.RUNNING),
    }
    a_task(TaskResultStatus.SUCCESSFUL, 15)
    a_task(TaskResultStatus.FAILED, 57)
    a_claim("recent", 55)
    a_claim("old", 57)

    assert prune_finished.call() == {"succeeded": 1, "failed": 1, "claims": 1}
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == kept
    assert list(Claim.objects.values_list("name", flat=True)) == ["recent"]

    assert prune_finished.call() == {"succeeded": 0, "failed": 0, "claims": 0}
    assert DBTaskResult.objects.count() == 5


def test_prune_follows_the_setting(settings):
    settings.TASK_RESULTS_KEPT_DAYS = 2
    a_task(TaskResultStatus.SUCCESSFUL, 3)
    a_task(TaskResultStatus.FAILED, 9)
    kept = {a_task(TaskResultStatus.SUCCESSFUL, 1), a_task(TaskResultStatus.FAILED, 7)}
    assert prune_finished.call() == {"succeeded": 1, "failed": 1, "claims": 0}
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == kept
