"""Retention: signed-off checklists are deleted once they are older than the retention period.

Each deletion leaves a PurgeRecord that accounts for it without any of its content. Work goes in
batches, each in its own transaction, so a large purge neither holds long locks nor starts over.
"""

import datetime
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from actions.models import Action

from .models import Answer, Checklist, Comment, Event, PurgeRecord

PURGED_BY = "purge_checklists command"


@dataclass
class PurgeResult:
    cutoff: datetime.datetime
    checklists: int = 0
    answers: int = 0
    actions: int = 0
    comments: int = 0
    events: int = 0
    ids: list = field(default_factory=list)


def expired(older_than_days: int, now: datetime.datetime | None = None) -> tuple[QuerySet, datetime.datetime]:
    cutoff = (now or timezone.now()) - datetime.timedelta(days=older_than_days)
    # Uses the checklist_retention index on (status, signed_off_at).
    checklists = Checklist.objects.filter(status=Checklist.Status.SIGNED_OFF, signed_off_at__lt=cutoff)
    return checklists, cutoff


def _counts(model, ids: list) -> dict:
    rows = model.objects.filter(checklist_id__in=ids).values("checklist_id").annotate(n=Count("pk"))
    return {row["checklist_id"]: row["n"] for row in rows}


def purge_signed_off(
    *, older_than_days: int, dry_run: bool = False, batch_size: int = 200, by: str = PURGED_BY
) -> PurgeResult:
    checklists, cutoff = expired(older_than_days)
    result = PurgeResult(cutoff=cutoff)
    if dry_run:
        ids = list(checklists.values_list("pk", flat=True))
        result.checklists = len(ids)
        result.ids = ids
        result.answers = Answer.objects.filter(checklist__in=checklists).count()
        result.actions = Action.objects.filter(checklist__in=checklists).count()
        result.comments = Comment.objects.filter(checklist__in=checklists).count()
        result.events = Event.objects.filter(checklist__in=checklists).count()
        return result

    while True:
        with transaction.atomic():
            batch = list(
                checklists.select_related("template", "team")
                .select_for_update(of=("self",))
                .order_by("signed_off_at", "pk")[:batch_size]
            )
            if not batch:
                break
            ids = [checklist.pk for checklist in batch]
            answers, comments, events = _counts(Answer, ids), _counts(Comment, ids), _counts(Event, ids)
            actions = _counts(Action, ids)
            PurgeRecord.objects.bulk_create(
                PurgeRecord(
                    purged_by=by,
                    retention_days=older_than_days,
                    checklist_id=checklist.pk,
                    template_slug=checklist.template.slug,
                    template_version=checklist.template.version,
                    team_name=checklist.team.name if checklist.team else "",
                    signed_off_at=checklist.signed_off_at,
                    answer_count=answers.get(checklist.pk, 0),
                    action_count=actions.get(checklist.pk, 0),
                    comment_count=comments.get(checklist.pk, 0),
                    event_count=events.get(checklist.pk, 0),
                )
                for checklist in batch
            )
            # The PurgeRecords are the account of this deletion; auditlog would otherwise copy
            # every answer and comment row into a log entry of its own.
            with disable_auditlog():
                Event.objects.filter(checklist_id__in=ids).delete()
                Comment.objects.filter(checklist_id__in=ids).delete()
                Answer.objects.filter(checklist_id__in=ids).delete()
                # A copy carried into a later checklist stays, as that checklist's own, but no longer
                # points back: deleting these sets its carried_from to null.
                Action.objects.filter(checklist_id__in=ids).delete()
                Checklist.objects.filter(pk__in=ids).delete()
        result.checklists += len(batch)
        result.answers += sum(answers.values())
        result.actions += sum(actions.values())
        result.comments += sum(comments.values())
        result.events += sum(events.values())
        result.ids += ids
    return result
