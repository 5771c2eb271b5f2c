"""Who reviews what, and how long it has waited.

Supervisors review the non-draft checklists of the teams they supervise; superusers can
review any team's. Nobody reviews their own checklist.
"""

import datetime

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Team, User

from .models import Checklist


def can_review(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.is_supervisor)


def reviewable_teams(user: User) -> QuerySet[Team]:
    if user.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(pk__in=user.supervised_team_ids)


def in_reviewable_teams(user: User) -> QuerySet[Checklist]:
    """Non-drafts from the person's teams, their own included."""
    if user.is_superuser:
        return Checklist.objects.exclude(status=Checklist.Status.DRAFT)
    # The teams as a list rather than a subquery (the signed-in user comes with it): the database
    # then plans for the teams it is given, and can count from the team and status index alone.
    return Checklist.objects.filter(team_id__in=user.supervised_team_ids).exclude(status=Checklist.Status.DRAFT)


def status_counts(checklists: QuerySet[Checklist], *, user: User, statuses) -> dict[str, int]:
    """How many of `checklists` are in each status, and how many submitted ones are overdue, not counting `user`'s own.

    Leaving the person's own out in the same query would make the database read every row; instead
    everything is counted from the index, and the few of their own are counted and taken off.
    """
    before = overdue_before()

    def tally(queryset, sign: int):
        return (
            queryset.order_by()
            .values("status")
            .annotate(
                sign=Value(sign),
                number=Count("*"),
                overdue=Count("submitted_at", filter=Q(submitted_at__lt=before)),
            )
        )

    counts = dict.fromkeys([*statuses, "overdue"], 0)
    for row in tally(checklists, 1).union(tally(checklists.filter(author=user), -1), all=True):
        if row["status"] in counts:
            counts[row["status"]] += row["sign"] * row["number"]
        if row["status"] == Checklist.Status.SUBMITTED:
            counts["overdue"] += row["sign"] * row["overdue"]
    return counts


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
