"""Who reviews what, and how long it has waited.

Supervisors review the non-draft checklists of the teams they supervise; superusers can
review any team's. Nobody reviews their own checklist.
"""

import datetime
import functools
import uuid

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Team, User

from .models import Checklist
from .sql import column, columns, converted, table


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


def latest_change(user: User) -> tuple:
    """When a checklist that the person may review last changed, for each of their teams.

    Every saved change moves a checklist's `updated_at`, so this changes whenever the queue would:
    the queue keeps its pages under it (checklists/pages.py). Each team's is one step down the
    checklist_team_changed index, however many checklists the team has.
    """
    meta, quote = Checklist._meta, connection.ops.quote_name
    table, team = quote(meta.db_table), quote(meta.get_field("team").column)
    status, updated_at = quote(meta.get_field("status").column), quote(meta.get_field("updated_at").column)
    latest = f"SELECT MAX({updated_at}) FROM {table} WHERE {status} <> %s"  # noqa: S608 - names quoted
    if user.is_superuser:
        parts, params = [f"({latest})"], [Checklist.Status.DRAFT]
    else:
        team_ids = user.supervised_team_ids
        if not team_ids:
            return ()
        parts = [f"({latest} AND {team} = %s)"] * len(team_ids)
        params = [value for team_id in team_ids for value in (Checklist.Status.DRAFT, team_id)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return tuple(cursor.fetchone())


def status_counts(user: User, *, filters: dict, statuses) -> dict[str, int]:
    """How many checklists in the person's teams are in each status, and how many submitted ones are overdue.

    `filters` are the queue's (QueueFilterForm.checklist_filters). The person's own are not counted:
    leaving them out in the same query would make the database read every row, so everything is
    counted from the team and status index, and the few of their own counted and taken off. The SQL
    is written out because building it with the ORM took as long as running it.
    """
    meta, quote = Checklist._meta, connection.ops.quote_name

    def column(name: str) -> str:
        return quote(meta.get_field(name).column)

    where, params = [f"{column('status')} <> %s"], [Checklist.Status.DRAFT]

    def among(name: str, values: list) -> None:
        where.append(f"{column(name)} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)

    counts = dict.fromkeys([*statuses, "overdue"], 0)
    if not user.is_superuser:
        if not user.supervised_team_ids:
            return counts
        among("team", user.supervised_team_ids)
    if "team_id" in filters:
        among("team", [filters["team_id"]])
    if "author_id" in filters:
        among("author", [filters["author_id"]])
    if "template_id__in" in filters:
        among("template", filters["template_id__in"])
    before = connection.ops.adapt_datetimefield_value(overdue_before())
    status, submitted_at = column("status"), column("submitted_at")
    tally = (
        f"SELECT {status}, {{sign}}, COUNT(*), COUNT(CASE WHEN {submitted_at} < %s THEN 1 END)"  # noqa: S608 - names quoted, values as parameters
        f" FROM {quote(meta.db_table)} WHERE {' AND '.join(where)}{{own}} GROUP BY {status}"
    )
    sql = tally.format(sign=1, own="") + " UNION ALL " + tally.format(sign=-1, own=f" AND {column('author')} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [before, *params, before, *params, user.pk])
        for value, sign, number, overdue in cursor.fetchall():
            if value in counts:
                counts[value] += sign * number
            if value == Checklist.Status.SUBMITTED:
                counts["overdue"] += sign * overdue
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


# --- One checklist for the review page -------------------------------------------------------------


@functools.cache
def _reviewable_checklist_sql(teams: int) -> tuple[str, list[str], list]:
    """The query, the attnames its columns fill, in order, and their converters."""
    selected, attnames, converters = columns(Checklist, "c")

    def where(name: str) -> str:
        return column(Checklist, name, "c")

    sql = (
        f"SELECT {', '.join(selected)} FROM {table(Checklist)} c"  # noqa: S608 - names quoted, values as parameters
        f" WHERE {where('id')} = %s AND {where('team')} IN ({', '.join(['%s'] * teams)})"
        f" AND {where('status')} <> %s AND {where('author')} <> %s"
    )
    return sql, attnames, converters


def reviewable_checklist(user: User, pk: uuid.UUID) -> Checklist | None:
    """Checklist `pk` if `user` supervises its team and did not write it, and it is not a draft;
    otherwise None.

    This is `Checklist.objects.supervised_by(user).exclude(author=user)` for one checklist, with
    the SQL written out once, and without its author, team and template, which a look at a kept
    review page does not need: building that query with the ORM took longer than the database took
    to answer it, and joining the three made planning it take longer than running it. It only ever
    finds fewer checklists than `visible_to`, so a caller that gets None asks `visible_to`, which
    tells a missing checklist (404) from the person's own.
    """
    team_ids = user.supervised_team_ids if user.is_supervisor else []
    if not team_ids:
        return None
    sql, attnames, converters = _reviewable_checklist_sql(len(team_ids))
    params = [Checklist._meta.pk.get_db_prep_value(pk, connection), *team_ids, Checklist.Status.DRAFT, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Checklist.from_db(connection.alias, attnames, converted(row, converters))
