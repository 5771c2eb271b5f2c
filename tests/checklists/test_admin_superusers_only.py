"""The casework admin (checklists, their events, purge records, the audit log) is for superusers only.

To anyone else every one of its pages is a 404, whether the record exists or not, as a checklist
is to a stranger elsewhere: a 403 or a "does not exist" redirect would tell them which ids are real.
"""

import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from checklists.admin import SuperuserReadOnlyMixin
from checklists.models import Answer, Checklist, Comment, Event, PurgeRecord
from tests.factories import ActionFactory, UserFactory
from tests.supervision import support

pytestmark = pytest.mark.django_db

submitted = support.submitted
template = support.template

CONTENT_MODELS = {"checklisttemplate", "step", "question", "prompt"}
PAGES_OF_A_RECORD = ("change", "delete", "history")


def casework_admins() -> dict:
    return {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SuperuserReadOnlyMixin)
    }


@pytest.fixture
def records(submitted):
    """One real record of each casework model, and an id that belongs to none."""
    PurgeRecord.objects.create(
        purged_by="test",
        retention_days=730,
        checklist_id=uuid.uuid4(),
        template_slug="a-template",
        template_version=1,
        signed_off_at=timezone.now(),
    )
    action = ActionFactory(checklist=submitted)
    real = {
        Checklist: submitted.pk,
        Action: action.pk,
        Event: submitted.events.first().pk,
        PurgeRecord: PurgeRecord.objects.get().pk,
        LogEntry: LogEntry.objects.latest("pk").pk,
    }
    missing = {
        Checklist: uuid.uuid4(),
        Action: 987654321,
        Event: 987654321,
        PurgeRecord: 987654321,
        LogEntry: 987654321,
    }
    return real, missing


def urls_of(model, real, missing) -> list[str]:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
    for pk in (real[model], missing[model]):
        urls += [reverse(f"{name}_{page}", args=[pk]) for page in PAGES_OF_A_RECORD]
    return urls


def test_every_casework_model_in_admin_is_for_superusers_only():
    registered = {model._meta.label_lower for model in admin.site._registry}
    casework = {model._meta.label_lower for model in casework_admins()}
    checklists_models = {label for label in registered if label.startswith("checklists.")}
    assert casework == {
        "checklists.checklist",
        "actions.action",
        "checklists.event",
        "checklists.purgerecord",
        "auditlog.logentry",
    }
    assert checklists_models - casework == {f"checklists.{name}" for name in CONTENT_MODELS}
    # Answers and comments are read only inside their checklist's page.
    assert Answer not in admin.site._registry and Comment not in admin.site._registry


def test_it_answers_an_editor_with_a_404_for_every_page_whether_the_record_exists_or_not(
    client_for, editor, records, submitted
):
    real, missing = records
    client = client_for(editor)
    for model in casework_admins():
        for url in urls_of(model, real, missing):
            assert client.get(url).status_code == 404, url
            assert client.post(url, {"post": "yes"}).status_code == 404, url

    for model, pk in real.items():
        assert model.objects.filter(pk=pk).exists()
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED
    assert not submitted.events.filter(kind=Event.Kind.VIEWED).exists()


def test_it_answers_staff_with_the_models_own_permissions_with_a_404_too(client_for, records, submitted):
    staff = UserFactory(username="records-officer", is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["checklists", "actions", "auditlog"])
    )
    real, missing = records
    client = client_for(staff)
    for model in casework_admins():
        for url in urls_of(model, real, missing):
            assert client.get(url).status_code == 404, url

    assert Checklist.objects.filter(pk=submitted.pk).exists()
    assert not submitted.events.filter(kind=Event.Kind.VIEWED).exists()


def test_the_admin_index_does_not_mention_casework_to_an_editor(client_for, editor):
    index = client_for(editor).get(reverse("admin:index"))
    assert index.status_code == 200
    for model in casework_admins():
        assert f"/admin/{model._meta.app_label}/{model._meta.model_name}/" not in index.content.decode()


def test_superusers_still_read_it_but_never_add_change_or_delete(client_for, superuser, records, submitted):
    real, _ = records
    client = client_for(superuser)
    for model, pk in real.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, model
        page = client.get(reverse(f"{name}_change", args=[pk]))
        assert page.status_code == 200 and b'name="_save"' not in page.content, model
        assert client.get(reverse(f"{name}_history", args=[pk])).status_code == 200, model
        assert client.get(reverse(f"{name}_add")).status_code == 403, model
        assert client.post(reverse(f"{name}_delete", args=[pk]), {"post": "yes"}).status_code == 403, model
        assert model.objects.filter(pk=pk).exists()
    # Reading the checklist, and reading its action, are both looks at the checklist.
    assert submitted.events.filter(kind=Event.Kind.VIEWED, actor=superuser).count() == 2
