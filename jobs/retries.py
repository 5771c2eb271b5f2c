"""Retries for tasks whose failures pass: a failed attempt goes back on the queue after a backoff.

The queue backend runs each task once. A task registered here that fails with one of its passing
errors is put back as ready, on the same row, until `RETRY_FOR` has gone by since it was enqueued;
after that it stays failed, where admin shows it and can retry it. The row keeps the last error, and
its worker ids count the attempts.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    on: tuple[type[BaseException], ...]


_policies: dict[str, Policy] = {}


def retry(task, *, on: tuple[type[BaseException], ...]):
    """Retry `task` with backoff when it raises one of `on`; returns the task, so it can wrap the decorator."""
    _policies[task.module_path] = Policy(on=on)
    return task


def backoff(attempts: int) -> datetime.timedelta:
    """The wait before the next attempt: doubling from the base, capped, so an outage is noticed soon after it ends."""
    seconds = settings.TASK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return datetime.timedelta(seconds=min(seconds, settings.TASK_RETRY_MAX_DELAY_SECONDS))


def _passes(policy: Policy, exception_class_path: str) -> bool:
    try:
        exception_class = import_string(exception_class_path)
    except ImportError:
        return False
    return isinstance(exception_class, type) and issubclass(exception_class, policy.on)


def requeue_failed_attempt(sender, task_result, **kwargs) -> None:
    """Put a failed attempt back on the queue, if its task retries that error and time remains."""
    if task_result.status != TaskResultStatus.FAILED or not task_result.errors:
        return
    policy = _policies.get(task_result.task.module_path)
    if policy is None or not _passes(policy, task_result.errors[-1].exception_class_path):
        return
    now = timezone.now()
    give_up_at = task_result.enqueued_at + datetime.timedelta(hours=settings.TASK_RETRY_FOR_HOURS)
    if now >= give_up_at:
        logger.warning("Task id=%s failed its last attempt; it stays failed", task_result.id)
        return
    attempts = len(task_result.worker_ids)
    run_after = min(now + backoff(attempts), give_up_at)
    DBTaskResult.objects.filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    logger.info("Task id=%s attempt %d failed; next attempt after %s", task_result.id, attempts, run_after)


def requeue_stalled(now: datetime.datetime | None = None) -> int:
    """Put back tasks left running by a worker that died; a live worker never holds one this long."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.TASK_STALLED_AFTER_SECONDS)
    count = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.READY, started_at=None
    )
    if count:
        logger.warning("Put %d stalled task(s) back on the queue", count)
    return count


def retry_now(queryset) -> int:
    """Put failed tasks back on the queue at once, with a fresh retry period (admin's "retry")."""
    now = timezone.now()
    return queryset.filter(status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY,
        run_after=now,
        enqueued_at=now,
        started_at=None,
        finished_at=None,
    )
