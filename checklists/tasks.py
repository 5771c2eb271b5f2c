"""Scheduled work on checklists."""

from django.conf import settings
from django_tasks import task

from .retention import purge_signed_off


@task()
def purge_checklists() -> dict:
    """Delete signed-off checklists past retention; running it twice deletes nothing more."""
    result = purge_signed_off(
        older_than_days=settings.CHECKLIST_RETENTION_DAYS, dry_run=False, batch_size=200, by="purge_checklists task"
    )
    return {"checklists": result.checklists, "answers": result.answers, "comments": result.comments}
