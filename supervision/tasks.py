"""The weekday-morning digest of checklists that have waited too long for review."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import Membership, User
from checklists import notifications
from checklists.models import Checklist
from jobs.models import Claim

from .selectors import overdue_before

logger = logging.getLogger(__name__)


@task()
def send_overdue_digests() -> int:
    """Email each supervisor with overdue checklists in their teams, at most once a day each."""
    today = timezone.localdate()
    overdue = Checklist.objects.awaiting_review().filter(submitted_at__lt=overdue_before(today))
    supervisors = (
        User.objects.filter(is_active=True, memberships__role=Membership.Role.SUPERVISOR)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    sent = 0
    for supervisor in supervisors.iterator():
        # The teams they supervise by membership: a superuser's reach is not "your teams".
        count = overdue.filter(team_id__in=supervisor.supervised_team_ids).exclude(author_id=supervisor.pk).count()
        if not count:
            continue
        # The claim and the email commit together, so a second run the same day sends nothing more.
        with transaction.atomic():
            if Claim.take(f"overdue_digest:{today.isoformat()}:{supervisor.pk}"):
                notifications.overdue_digest(supervisor.pk, count)
                sent += 1
    logger.info("Enqueued %d overdue digest(s)", sent)
    return sent
