import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueStatus:
    waiting: int
    due: int
    deferred: int
    running: int
    failed: int
    oldest_waiting: datetime.datetime | None


def queue_status() -> QueueStatus:
    """The queue's depth and age, in one query."""
    ready = Q(status=TaskResultStatus.READY)
    due = Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now())
    tally = DBTaskResult.objects.order_by().aggregate(
        waiting=Count("pk", filter=ready),
        due=Count("pk", filter=ready & due),
        running=Count("pk", filter=Q(status=TaskResultStatus.RUNNING)),
        failed=Count("pk", filter=Q(status=TaskResultStatus.FAILED)),
        oldest_waiting=Min("enqueued_at", filter=ready),
    )
    return QueueStatus(deferred=tally["waiting"] - tally["due"], **tally)
