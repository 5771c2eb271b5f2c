"""Who reviews what, and how long it has waited.

Supervisors review the non-draft checklists of the teams they supervise; superusers can
review any team's. Nobody reviews their own checklist.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import Team, User
from checklists.models import Checklist


def can_review(user: User) -> bool:
    return user.is_authenticated and user.can_review


def reviewable_teams(user: User) -> QuerySet[Team]:
    # A superuser counts as supervising every team, as in Checklist.objects.in_review_for.
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(pk__in=user.supervised_team_ids)


def status_counts(checklists: QuerySet[Checklist], *, statuses) -> dict[str, int]:
    """How many of these checklists are in each status, and how many submitted ones are overdue, in one query."""
    tally = checklists.order_by().aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in statuses},
        overdue=Count("pk", filter=Q(status=Checklist.Status.SUBMITTED, submitted_at__lt=overdue_before())),
    )
    return tally


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Weekdays after `start`, up to and including `end`: Friday to Monday is one working day."""
    if end <= start:
        return 0
    whole_weeks, extra = divmod((end - start).days, 7)
    days = whole_weeks * 5
    for offset in range(1, extra + 1):
        if (start + datetime.timedelta(days=offset)).weekday() < 5:
            days += 1
    return days


def working_days_waiting(submitted_at: datetime.datetime, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return working_days_between(timezone.localdate(submitted_at), today)


def overdue_threshold() -> int:
    return settings.REVIEW_OVERDUE_WORKING_DAYS


def is_overdue(submitted_at: datetime.datetime, today: datetime.date | None = None) -> bool:
    return working_days_waiting(submitted_at, today) > overdue_threshold()


def overdue_before(today: datetime.date | None = None) -> datetime.datetime:
    """The moment before which a submission is overdue, so the database can count overdue items.

    It is midnight, local time, at the start of the earliest day whose submissions are still in time.
    """
    today = today or timezone.localdate()
    limit = overdue_threshold()
    earliest = today
    while working_days_between(earliest - datetime.timedelta(days=1), today) <= limit:
        earliest -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(earliest, datetime.time.min))
