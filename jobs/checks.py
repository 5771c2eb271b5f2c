from cronsim import CronSim, CronSimError
from django.conf import settings
from django.core import checks
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task


def check_scheduled_jobs(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Each scheduled job names a task that imports and a cron expression that parses."""
    errors = []
    for entry in settings.SCHEDULED_JOBS:
        name = entry.get("name", "?")
        try:
            CronSim(entry["cron"], timezone.now())
        except (CronSimError, KeyError) as error:
            errors.append(checks.Error(f"Scheduled job {name!r} has a bad cron expression: {error}", id="jobs.E001"))
        try:
            task = import_string(entry["task"])
        except (ImportError, KeyError) as error:
            errors.append(checks.Error(f"Scheduled job {name!r} names no task: {error}", id="jobs.E002"))
            continue
        if not isinstance(task, Task):
            errors.append(checks.Error(f"Scheduled job {name!r}: {entry['task']} is not a task", id="jobs.E002"))
    return errors
