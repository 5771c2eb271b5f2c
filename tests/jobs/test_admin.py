"""The task queue and claims in admin: superusers only, with the queue summary and a retry action."""

import datetime
import uuid

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from checklists.notifications import send_notification
from checklists.tasks import purge_checklists
from jobs.models import Claim
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The task model's app label is "django_tasks_database", not the package name.
TASK_ADMIN = f"admin:{DBTaskResult._meta.app_label}_{DBTaskResult._meta.model_name}"
TASKS = reverse(f"{TASK_ADMIN}_changelist")
CLAIMS = reverse("admin:jobs_claim_changelist")


def a_task(**fields) -> DBTaskResult:
    result = purge_checklists.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(**fields)
    return DBTaskResult.objects.get(pk=result.id)


def failed(**fields) -> DBTaskResult:
    long_ago = timezone.now() - datetime.timedelta(days=2)
    return a_task(
        status=TaskResultStatus.FAILED,
        enqueued_at=long_ago,
        started_at=long_ago,
        finished_at=long_ago,
        exception_class_path="builtins.ConnectionRefusedError",
        **fields,
    )


def succeeded() -> DBTaskResult:
    long_ago = timezone.now() - datetime.timedelta(days=2)
    return a_task(status=TaskResultStatus.SUCCESSFUL, enqueued_at=long_ago, finished_at=long_ago)


def retry(client, *tasks, follow=True):
    return client.post(TASKS, {"action": "retry", "_selected_action": [str(task.pk) for task in tasks]}, follow=follow)


def shown_messages(response) -> list[tuple[str, str]]:
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def test_a_superuser_sees_the_queue_with_its_summary(client_for, superuser):
    a_task()
    a_task(run_after=timezone.now() + datetime.timedelta(minutes=5))
    failed()
    a_task(status=TaskResultStatus.RUNNING, started_at=timezone.now())
    response = client_for(superuser).get(TASKS)
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "Waiting: 2 (1 due now, 1 waiting to retry)." in text
    assert "Oldest waiting: enqueued 0 minutes ago." in text
    assert "Running: 1. Failed: 1." in text
    assert "purge_checklists" in text


def test_the_summary_of_an_empty_queue(client_for, superuser):
    response = client_for(superuser).get(TASKS)
    text = " ".join(response.content.decode().split())
    assert "Waiting: 0 (0 due now, 0 waiting to retry). Oldest waiting: none." in text
    assert "Running: 0. Failed: 0." in text


def test_a_superuser_can_open_a_task_but_not_change_or_delete_it(client_for, superuser):
    task = failed()
    client = client_for(superuser)
    page = client.get(reverse(f"{TASK_ADMIN}_change", args=[task.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get(reverse(f"{TASK_ADMIN}_add")).status_code == 403
    delete = client.post(reverse(f"{TASK_ADMIN}_delete", args=[task.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert DBTaskResult.objects.filter(pk=task.pk, status=TaskResultStatus.FAILED).exists()


def test_the_content_editor_cannot_see_the_queue_or_the_claims(client_for, editor):
    task = failed()
    Claim.take("purge_checklists@2026-12-07T02:30+00:00")
    client = client_for(editor)
    assert client.get(TASKS).status_code in (403, 404)
    assert client.get(reverse(f"{TASK_ADMIN}_change", args=[task.pk])).status_code in (403, 404)
    assert client.get(CLAIMS).status_code in (403, 404)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert TASKS not in index.content.decode()
    assert CLAIMS not in index.content.decode()
    assert b"Background jobs" not in index.content
    assert b"Task Results" not in index.content


def test_the_content_editor_cannot_retry_a_task(client_for, editor):
    task = failed()
    response = retry(client_for(editor), task, follow=False)
    assert response.status_code in (403, 404)
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.FAILED


def test_staff_with_every_permission_on_the_models_still_cannot_see_them(client_for):
    staff = UserFactory(username="operator", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=[DBTaskResult._meta.app_label, "jobs"])
    )
    assert (
        staff.user_permissions.filter(codename__in=["view_dbtaskresult", "change_dbtaskresult", "view_claim"]).count()
        == 3
    )
    task = failed()
    client = client_for(staff)
    assert client.get(TASKS).status_code in (403, 404)
    assert client.get(CLAIMS).status_code in (403, 404)
    assert retry(client, task, follow=False).status_code in (403, 404)
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.FAILED
    assert TASKS not in client.get(reverse("admin:index")).content.decode()


def test_retry_puts_failed_tasks_back_on_the_queue_and_leaves_the_rest(client_for, superuser):
    first, second, done = failed(), failed(), succeeded()
    waiting = a_task()
    before = timezone.now()
    response = retry(client_for(superuser), first, second, done, waiting)
    after = timezone.now()
    assert response.status_code == 200
    assert shown_messages(response) == [("success", "2 failed tasks are back on the queue.")]
    for task in (first, second):
        task.refresh_from_db()
        assert task.status == TaskResultStatus.READY
        assert before <= task.enqueued_at <= after
        assert before <= task.run_after <= after
        assert (task.started_at, task.finished_at) == (None, None)
    assert DBTaskResult.objects.ready().filter(pk__in=[first.pk, second.pk]).count() == 2
    for task in (done, waiting):
        unchanged = DBTaskResult.objects.get(pk=task.pk)
        assert (unchanged.status, unchanged.enqueued_at, unchanged.finished_at, unchanged.run_after) == (
            task.status,
            task.enqueued_at,
            task.finished_at,
            task.run_after,
        )


def test_retry_of_one_task_says_so(client_for, superuser):
    task = failed()
    response = retry(client_for(superuser), task)
    assert shown_messages(response) == [("success", "1 failed task is back on the queue.")]
    assert DBTaskResult.objects.get(pk=task.pk).status == TaskResultStatus.READY


def test_retry_with_no_failed_task_selected_warns_and_changes_nothing(client_for, superuser):
    done = succeeded()
    other = failed()
    response = retry(client_for(superuser), done)
    assert response.status_code == 200
    assert shown_messages(response) == [("warning", "Only failed tasks can be retried; none was selected.")]
    assert b"Only failed tasks can be retried; none was selected." in response.content
    assert DBTaskResult.objects.get(pk=done.pk).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=other.pk).status == TaskResultStatus.FAILED


def test_a_retried_email_is_delivered_once(client_for, superuser, fca, run_tasks, mailoutbox, monkeypatch, settings):
    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    settings.TASK_RETRY_FOR_HOURS = 24
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    result = send_notification.enqueue("signed_off", fca.pk, checklist_id=str(uuid.uuid4()))
    # Past its retry period, so the failure is final until someone retries it.
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - datetime.timedelta(hours=25))
    assert run_tasks() == 1
    task = DBTaskResult.objects.get(pk=result.id)
    assert task.status == TaskResultStatus.FAILED
    monkeypatch.undo()

    retry(client_for(superuser), task)
    assert run_tasks() == 1
    assert [(message.to, message.subject) for message in mailoutbox] == [
        ([fca.email], "Practice Hub: a checklist was signed off")
    ]
    task.refresh_from_db()
    assert (task.status, task.return_value, len(task.worker_ids)) == (TaskResultStatus.SUCCESSFUL, "sent", 2)
    assert run_tasks() == 0
    assert len(mailoutbox) == 1


def test_a_superuser_sees_the_claims_but_cannot_add_change_or_delete_them(client_for, superuser):
    Claim.take("purge_checklists@2026-12-07T02:30+00:00")
    claim = Claim.objects.get()
    client = client_for(superuser)
    response = client.get(CLAIMS)
    assert response.status_code == 200
    assert b"purge_checklists@2026-12-07T02:30+00:00" in response.content
    assert client.get(reverse("admin:jobs_claim_add")).status_code == 403
    page = client.get(reverse("admin:jobs_claim_change", args=[claim.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    delete = client.post(reverse("admin:jobs_claim_delete", args=[claim.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()
    index = client.get(reverse("admin:index")).content.decode()
    assert TASKS in index and CLAIMS in index
