"""Label the comments written before Comment.kind existed, from the timeline.

A return and a sign-off wrote their comment and then their event in one transaction, by the same
person; a plain comment wrote a "commented" event the same way. So each comment takes the kind of
the first such event by its author on its checklist that follows it within a minute. A comment
with no such event stays a plain comment (a step or general comment, by whether it has a step).
"""

import datetime
from collections import defaultdict

from django.db import migrations

WINDOW = datetime.timedelta(minutes=1)
BATCH = 2000
KIND_OF_EVENT = {"commented": "comment", "returned": "return_reason", "signed_off": "sign_off_note"}


def label_comments(apps, schema_editor):
    Comment = apps.get_model("checklists", "Comment")
    rows = Comment.objects.order_by("checklist_id", "created_at", "id").values_list(
        "id", "checklist_id", "author_id", "created_at"
    )
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            _label(apps, batch)
            batch = []
    _label(apps, batch)


def _label(apps, rows):
    if not rows:
        return
    Comment = apps.get_model("checklists", "Comment")
    Event = apps.get_model("checklists", "Event")
    events = defaultdict(list)
    found = Event.objects.filter(checklist_id__in={row[1] for row in rows}, kind__in=KIND_OF_EVENT).values_list(
        "checklist_id", "actor_id", "created_at", "kind"
    )
    for checklist_id, actor_id, created_at, kind in found.order_by("created_at", "id"):
        events[(checklist_id, actor_id)].append((created_at, kind))
    labelled = defaultdict(list)
    for comment_id, checklist_id, author_id, created_at in rows:
        following = (
            kind for at, kind in events[(checklist_id, author_id)] if created_at <= at <= created_at + WINDOW
        )
        kind = KIND_OF_EVENT[next(following, "commented")]
        if kind != "comment":
            labelled[kind].append(comment_id)
    for kind, ids in labelled.items():
        Comment.objects.filter(id__in=ids).update(kind=kind)


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0008_comment_kind"),
    ]

    operations = [
        migrations.RunPython(label_comments, migrations.RunPython.noop),
    ]
