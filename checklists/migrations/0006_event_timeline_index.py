"""The timeline is read newest first by (created_at, id): the index now ends in id as well, so a
page of events is read straight off it, however many a checklist has, with no sort."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("checklists", "0005_team_changed_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The new index is built before the old one goes, so the timeline is never without one.
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["checklist", "created_at", "id"], name="event_timeline"),
        ),
        migrations.RemoveIndex(model_name="event", name="event_checklist"),
    ]
