from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.timesince import timesince

from jobs.status import queue_status


class Command(BaseCommand):
    help = "Show the task queue: how many tasks wait, the oldest of them, and how many run or failed."

    def handle(self, *args, **options) -> None:
        status = queue_status()
        self.stdout.write(f"Waiting: {status.waiting} ({status.due} due now, {status.deferred} waiting to retry)")
        if status.oldest_waiting is None:
            self.stdout.write("Oldest waiting: none")
        else:
            when = timezone.localtime(status.oldest_waiting)
            self.stdout.write(f"Oldest waiting: enqueued {when:%Y-%m-%d %H:%M:%S} ({timesince(when)} ago)")
        self.stdout.write(f"Running: {status.running}")
        self.stdout.write(f"Failed: {status.failed}")
