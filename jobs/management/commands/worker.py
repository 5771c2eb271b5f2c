"""The task worker, with the scheduler ticking beside it in a thread of the same process."""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from jobs.schedule import tick

logger = logging.getLogger("jobs.worker")


def _tick_forever(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:  # noqa: BLE001 - a bad tick is logged and the next one tries again
            logger.exception("Scheduler tick failed")
        stop.wait(interval)
    connection.close()


class Command(DBWorkerCommand):
    help = "Run queued tasks, and enqueue scheduled jobs when they fall due (see SCHEDULED_JOBS)."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler", action="store_false", dest="scheduler", help="Run tasks only; enqueue no scheduled jobs."
        )

    def handle(self, *args, scheduler: bool, reload: bool, batch: bool, **options) -> None:
        # Under the reloader, only the child process that runs tasks ticks.
        if scheduler and not batch and (not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"):
            stop = threading.Event()
            threading.Thread(
                target=_tick_forever, args=(stop, settings.SCHEDULER_TICK_SECONDS), name="scheduler", daemon=True
            ).start()
        super().handle(*args, reload=reload, batch=batch, **options)
