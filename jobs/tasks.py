"""Housekeeping for the queue itself."""

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .models import Claim


@task()
def prune_finished() -> dict:
    """Delete old finished tasks and claims; failed tasks are kept longer, for someone to look at."""
    now = timezone.now()
    kept = datetime.timedelta(days=settings.TASK_RESULTS_KEPT_DAYS)
    succeeded, _ = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - kept).delete()
    failed, _ = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED, finished_at__lt=now - 4 * kept).delete()
    claims, _ = Claim.objects.filter(created_at__lt=now - 4 * kept).delete()
    return {"succeeded": succeeded, "failed": failed, "claims": claims}
