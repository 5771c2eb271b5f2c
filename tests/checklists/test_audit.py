"""The audit trail: auditlog entries for changes, timeline events for views and exports, admin access."""

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts.models import Team
from checklists import services
from checklists.models import Answer, Checklist, Comment, Event, PurgeRecord
from tests.supervision import support as supervision_support
from tests.supervision.support import make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template


def entries_for(model, pk=None):
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return entries.filter(object_pk=str(pk)) if pk is not None else entries


# --- what auditlog covers ---------------------------------------------------------------------------


def test_every_model_of_the_four_apps_is_audited():
    for label in ("accounts", "guidance", "casestudies", "checklists"):
        for model in apps.get_app_config(label).get_models():
            if model in (Event, PurgeRecord):
                # Audit records themselves, read-only everywhere.
                assert not auditlog.contains(model)
            else:
                assert auditlog.contains(model), model


def test_answers_are_logged_without_their_text(fca, template):
    checklist = services.start_checklist(template=template, author=fca, case_reference="ZE21P00999", title="Visit")
    question = template.questions.get(key="what-happened")
    services.save_answer(checklist=checklist, question=question, value="Secret details", base_revision=0, by=fca)
    answer = Answer.objects.get(checklist=checklist, question=question)
    entry = entries_for(Answer, answer.pk).get()
    assert "value" not in entry.changes_dict and "returned_value" not in entry.changes_dict
    assert "Secret details" not in str(entry.changes) and "Secret details" not in entry.object_repr


def test_checklists_are_logged_by_id_without_case_number_or_title(fca, template):
    checklist = services.start_checklist(
        template=template, author=fca, case_reference="ZE21P00777", title="Dad's new partner"
    )
    entry = entries_for(Checklist, checklist.pk).get()
    assert entry.object_repr == f"Checklist {checklist.pk}"
    text = f"{entry.changes} {entry.object_repr}"
    assert "ZE21P00777" not in text and "Dad's new partner" not in text
    assert "status" in entry.changes_dict


def test_transitions_are_logged_with_the_actor(client_for, supervisor, submitted):
    client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": submitted.pk}))
    entry = entries_for(Checklist, submitted.pk).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert entry.actor == supervisor
    assert entry.changes_dict["status"] == ["submitted", "signed_off"]
    assert entry.object_repr == f"Checklist {submitted.pk}"


def test_comments_are_logged_without_their_text(client_for, supervisor, submitted):
    client_for(supervisor).post(
        reverse("supervision:comment", kwargs={"pk": submitted.pk}), {"comment-body": "About the bruise"}
    )
    comment = Comment.objects.get()
    entry = entries_for(Comment, comment.pk).get()
    assert entry.actor == supervisor
    assert "About the bruise" not in str(entry.changes)


def test_password_hashes_never_reach_the_log(fca):
    fca.set_password("a-new-long-password-123")
    fca.save()
    for entry in entries_for(type(fca), fca.pk):
        assert "password" not in entry.changes_dict
        assert fca.password not in str(entry.changes)


def test_an_admin_change_is_logged_with_who_made_it(client_for, superuser, north):
    client = client_for(superuser)
    response = client.post(
        reverse("admin:accounts_team_change", args=[north.pk]),
        {
            "name": "North East",
            "slug": "north",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content
    entry = entries_for(Team, north.pk).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == superuser
    assert entry.changes_dict["name"] == ["North", "North East"]


# --- reading the log --------------------------------------------------------------------------------


def test_superusers_can_read_the_audit_log(client_for, superuser, north):
    north.name = "Renamed"
    north.save()
    client = client_for(superuser)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 200
    entry = entries_for(Team, north.pk).latest("timestamp")
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_nobody_can_change_or_delete_log_entries(client_for, superuser, north):
    north.name = "Renamed"
    north.save()
    entry = entries_for(Team, north.pk).latest("timestamp")
    client = client_for(superuser)
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    response = client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_editors_cannot_see_the_audit_log_or_the_casework(client_for, editor, submitted):
    client = client_for(editor)
    for name in (
        "admin:auditlog_logentry_changelist",
        "admin:checklists_event_changelist",
        "admin:checklists_purgerecord_changelist",
        "admin:checklists_checklist_changelist",
    ):
        assert client.get(reverse(name)).status_code == 404, name
    response = client.get(reverse("admin:checklists_checklist_change", args=[submitted.pk]))
    assert response.status_code == 404
    assert not submitted.events.filter(kind=Event.Kind.VIEWED).exists()
    index = client.get(reverse("admin:index"))
    assert b"Log entries" not in index.content and b"Events" not in index.content


def test_superusers_read_events_and_purge_records_but_cannot_change_them(client_for, superuser, submitted):
    client = client_for(superuser)
    assert client.get(reverse("admin:checklists_event_changelist")).status_code == 200
    event = submitted.events.first()
    page = client.get(reverse("admin:checklists_event_change", args=[event.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert client.get(reverse("admin:checklists_event_add")).status_code == 403
    assert client.post(reverse("admin:checklists_event_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
    assert client.get(reverse("admin:checklists_purgerecord_changelist")).status_code == 200


# --- views and exports on the timeline --------------------------------------------------------------


def test_a_superuser_reading_a_checklist_in_admin_is_on_its_timeline(client_for, superuser, submitted):
    response = client_for(superuser).get(reverse("admin:checklists_checklist_change", args=[submitted.pk]))
    assert response.status_code == 200
    view = submitted.events.get(kind=Event.Kind.VIEWED)
    assert (view.actor, view.detail) == (superuser, "In admin")


def test_a_superuser_reading_their_own_checklist_in_admin_is_not_a_view(client_for, superuser, template):
    own = make_checklist(superuser, template)
    client_for(superuser).get(reverse("admin:checklists_checklist_change", args=[own.pk]))
    assert not own.events.filter(kind=Event.Kind.VIEWED).exists()


def test_the_supervisor_reading_the_fca_page_is_on_the_timeline(client_for, supervisor, submitted):
    response = client_for(supervisor).get(reverse("checklists:detail", kwargs={"pk": submitted.pk}))
    assert response.status_code == 200
    assert submitted.events.filter(kind=Event.Kind.VIEWED, actor=supervisor).count() == 1


def test_the_author_reading_their_own_checklist_is_not_a_view(client_for, fca, submitted):
    client_for(fca).get(reverse("checklists:detail", kwargs={"pk": submitted.pk}))
    assert not submitted.events.filter(kind=Event.Kind.VIEWED).exists()


def test_an_export_by_the_supervisor_is_on_the_timeline(client_for, supervisor, submitted):
    response = client_for(supervisor).get(reverse("checklists:export", kwargs={"pk": submitted.pk}))
    assert response.status_code == 200
    assert submitted.events.filter(kind=Event.Kind.EXPORTED, actor=supervisor).count() == 1


def test_refused_views_and_exports_leave_no_event(client_for, other_supervisor, submitted):
    client = client_for(other_supervisor)
    assert client.get(reverse("checklists:detail", kwargs={"pk": submitted.pk})).status_code == 404
    assert client.get(reverse("checklists:export", kwargs={"pk": submitted.pk})).status_code == 404
    assert not submitted.events.filter(kind__in=[Event.Kind.VIEWED, Event.Kind.EXPORTED]).exists()
