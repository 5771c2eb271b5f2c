from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from checklists.retention import purge_signed_off


class Command(BaseCommand):
    help = (
        "Delete signed-off checklists whose sign-off is older than the retention period "
        "(CHECKLIST_RETENTION_DAYS), recording each one without its content."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would be deleted; change nothing.")
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help="Override the retention period, in days (default: CHECKLIST_RETENTION_DAYS).",
        )
        parser.add_argument("--batch-size", type=int, default=200, help="Checklists deleted per transaction.")

    def handle(self, *args, dry_run: bool, older_than_days: int | None, batch_size: int, verbosity: int, **options):
        days = settings.CHECKLIST_RETENTION_DAYS if older_than_days is None else older_than_days
        if days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        result = purge_signed_off(older_than_days=days, dry_run=dry_run, batch_size=batch_size)
        verb = "Would purge" if dry_run else "Purged"
        self.stdout.write(
            f"{verb} {result.checklists} signed-off checklist{'s' if result.checklists != 1 else ''} "
            f"signed off before {result.cutoff:%d %B %Y %H:%M} UTC ({days} days): "
            f"{result.answers} answers, {result.actions} actions, {result.comments} comments, "
            f"{result.events} timeline events."
        )
        if verbosity >= 2:
            for checklist_id in result.ids:
                self.stdout.write(f"  {checklist_id}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
