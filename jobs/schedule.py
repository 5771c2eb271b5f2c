"""The scheduler: each tick enqueues the jobs whose time has come, once, however many workers tick.

A job's run is named after its slot (`purge_checklists@2026-12-07T02:30+00:00`); taking that name and
enqueuing the task happen in one transaction, so a slot is enqueued exactly once or not at all.
A slot older than the job's grace is skipped rather than run late.
"""

import datetime
import logging
from dataclasses import dataclass

from cronsim import CronSim
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Claim
from .retries import requeue_stalled

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    task: str
    grace: datetime.timedelta

    def latest_slot(self, now: datetime.datetime) -> datetime.datetime:
        """The most recent time this job was due, at or before `now`, in local time."""
        local_now = timezone.localtime(now).replace(microsecond=0) + datetime.timedelta(seconds=1)
        return next(CronSim(self.cron, local_now, reverse=True))


def jobs() -> list[Job]:
    return [
        Job(
            name=entry["name"],
            cron=entry["cron"],
            task=entry["task"],
            grace=datetime.timedelta(minutes=entry.get("grace_minutes", 60)),
        )
        for entry in settings.SCHEDULED_JOBS
    ]


def tick(now: datetime.datetime | None = None) -> list[str]:
    """Recover stalled tasks, then enqueue each job that is due and not yet enqueued; returns the runs taken."""
    now = now or timezone.now()
    requeue_stalled(now)
    taken = []
    for job in jobs():
        slot = job.latest_slot(now)
        if now - slot > job.grace:
            continue
        run = f"{job.name}@{slot.isoformat(timespec='minutes')}"
        try:
            with transaction.atomic():
                if Claim.take(run):
                    import_string(job.task).enqueue()
                    taken.append(run)
        except Exception:  # noqa: BLE001 - one broken job must not stop the others
            logger.exception("Could not enqueue %s", run)
    for run in taken:
        logger.info("Scheduled %s", run)
    return taken
