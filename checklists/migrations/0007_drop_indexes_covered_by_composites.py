"""Drop the foreign keys' own indexes where a composite index already leads with the same column.

Each was written again for nothing: the checklist's two on every autosave (which moves
updated_at, so no update of the row is in place), the event's on every look. Only the indexes go. Django's AlterField would drop
and re-add each foreign key as well, checking every row again under a lock, so the database side
is the DROP INDEX alone.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


STATE = [
    migrations.AlterField(
        model_name="answer",
        name="checklist",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            related_name="answers",
            to="checklists.checklist",
        ),
    ),
    migrations.AlterField(
        model_name="checklist",
        name="author",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.PROTECT,
            related_name="checklists",
            to=settings.AUTH_USER_MODEL,
        ),
    ),
    migrations.AlterField(
        model_name="checklist",
        name="team",
        field=models.ForeignKey(
            blank=True,
            db_index=False,
            help_text="The author's team when the checklist was started.",
            null=True,
            on_delete=django.db.models.deletion.SET_NULL,
            related_name="checklists",
            to="accounts.team",
        ),
    ),
    migrations.AlterField(
        model_name="comment",
        name="checklist",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            related_name="comments",
            to="checklists.checklist",
        ),
    ),
    migrations.AlterField(
        model_name="event",
        name="checklist",
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            related_name="events",
            to="checklists.checklist",
        ),
    ),
]

COVERED = [
    ("checklists_answer", "checklist_id", "checklists_answer_checklist_id_fee524f8"),
    ("checklists_checklist", "author_id", "checklists_checklist_author_id_05f1db7b"),
    ("checklists_checklist", "team_id", "checklists_checklist_team_id_ff2427e1"),
    ("checklists_comment", "checklist_id", "checklists_comment_checklist_id_f5c218c8"),
    ("checklists_event", "checklist_id", "checklists_event_checklist_id_89643689"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("checklists", "0006_event_timeline_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in COVERED
            ],
            state_operations=STATE,
        )
    ]
