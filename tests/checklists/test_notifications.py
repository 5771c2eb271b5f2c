"""Emails on submit, return and sign-off: who gets them, that they carry only a link, the switches,
and that each is a task committed with the change it reports."""

import smtplib

import pytest
from django.db import transaction
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Membership
from checklists import services
from checklists.models import Checklist
from tests.factories import MembershipFactory, UserFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import ANSWERS, make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template


def assert_no_case_details(message, checklist):
    text = f"{message.subject}\n{message.body}"
    assert checklist.case_reference not in text
    assert checklist.title not in text
    assert checklist.author.get_full_name() not in text
    for value in ANSWERS.values():
        assert value not in text
    for comment in checklist.comments.all():
        assert comment.body not in text


@pytest.fixture
def draft(fca, template):
    return make_checklist(fca, template, status=Checklist.Status.DRAFT)


def test_submitting_emails_each_supervisor_of_the_team(
    fca, supervisor, other_supervisor, north, draft, mailoutbox, run_tasks, settings
):
    settings.SITE_URL = "https://practicehub.example.org"
    second = UserFactory(username="supervisor-b")
    MembershipFactory(user=second, team=north, role=Membership.Role.SUPERVISOR)
    services.submit(checklist=draft, by=fca)
    # Nothing is sent in the request: one task per supervisor waits on the queue.
    assert mailoutbox == []
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2
    assert run_tasks() == 2
    assert sorted(message.to[0] for message in mailoutbox) == sorted([supervisor.email, second.email])
    # One message each, so no supervisor learns who else was told.
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
    assert message.subject == "Practice Hub: a checklist is waiting for your review"
    link = "https://practicehub.example.org" + reverse("supervision:review", kwargs={"pk": draft.pk})
    assert link in message.body
    assert_no_case_details(message, draft)
    assert other_supervisor.email not in [message.to[0] for message in mailoutbox]
    assert set(DBTaskResult.objects.values_list("status", "return_value")) == {(TaskResultStatus.SUCCESSFUL, "sent")}


def test_the_queued_task_holds_ids_only(fca, supervisor, draft):
    services.submit(checklist=draft, by=fca)
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": ["submitted", supervisor.pk], "kwargs": {"checklist_id": str(draft.pk)}}
    stored = str(task.args_kwargs)
    assert supervisor.email not in stored
    assert draft.case_reference not in stored


def test_a_supervisor_who_wrote_the_checklist_is_not_emailed_about_it(
    north, supervisor, template, mailoutbox, run_tasks
):
    practising_supervisor = UserFactory()
    MembershipFactory(user=practising_supervisor, team=north, role=Membership.Role.SUPERVISOR)
    own = make_checklist(practising_supervisor, template, status=Checklist.Status.DRAFT, team=north)
    services.submit(checklist=own, by=practising_supervisor)
    run_tasks()
    assert [message.to for message in mailoutbox] == [[supervisor.email]]


def test_supervisors_without_an_email_or_no_longer_active_are_skipped(
    fca, supervisor, north, draft, mailoutbox, run_tasks
):
    supervisor.email = ""
    supervisor.save()
    gone = UserFactory(is_active=False)
    MembershipFactory(user=gone, team=north, role=Membership.Role.SUPERVISOR)
    services.submit(checklist=draft, by=fca)
    assert run_tasks() == 0
    assert mailoutbox == []


def test_a_person_who_leaves_or_loses_their_address_before_the_send_is_skipped_without_a_failure(
    client_for, fca, supervisor, submitted, mailoutbox, run_tasks, caplog
):
    client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": submitted.pk}))
    fca.is_active = False
    fca.save()
    assert run_tasks() == 1
    assert mailoutbox == []
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == (TaskResultStatus.SUCCESSFUL, "skipped")
    assert f"user {fca.pk} is inactive or has no address" in caplog.text


def test_returning_emails_the_author(client_for, fca, supervisor, submitted, mailoutbox, run_tasks):
    response = client_for(supervisor).post(
        reverse("supervision:return", kwargs={"pk": submitted.pk}), {"return-body": "What did dad say?"}
    )
    assert response.status_code == 302
    run_tasks()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [fca.email]
    assert message.subject == "Practice Hub: a checklist was returned for more reflection"
    assert reverse("checklists:detail", kwargs={"pk": submitted.pk}) in message.body
    assert "What did dad say?" not in message.body
    assert_no_case_details(message, submitted)


def test_signing_off_emails_the_author(client_for, fca, supervisor, submitted, mailoutbox, run_tasks):
    client_for(supervisor).post(
        reverse("supervision:sign_off", kwargs={"pk": submitted.pk}), {"signoff-body": "Well reasoned."}
    )
    run_tasks()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [fca.email]
    assert message.subject == "Practice Hub: a checklist was signed off"
    assert_no_case_details(message, submitted)


def test_comments_and_discussions_send_no_email(client_for, supervisor, submitted, mailoutbox, run_tasks):
    client_for(supervisor).post(reverse("supervision:comment", kwargs={"pk": submitted.pk}), {"comment-body": "Hi"})
    assert run_tasks() == 0
    assert mailoutbox == []
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize("setting", ["NOTIFY_ON_SUBMIT", "NOTIFY_ON_RETURN", "NOTIFY_ON_SIGN_OFF"])
def test_each_email_can_be_switched_off(setting, fca, supervisor, template, mailoutbox, run_tasks, settings):
    setattr(settings, setting, False)
    first = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    services.submit(checklist=first, by=fca)
    services.return_for_reflection(checklist=first, by=supervisor, comment="More")
    second = make_checklist(fca, template)
    services.sign_off(checklist=second, by=supervisor)
    run_tasks()
    subjects = {message.subject for message in mailoutbox}
    switched_off = {
        "NOTIFY_ON_SUBMIT": "Practice Hub: a checklist is waiting for your review",
        "NOTIFY_ON_RETURN": "Practice Hub: a checklist was returned for more reflection",
        "NOTIFY_ON_SIGN_OFF": "Practice Hub: a checklist was signed off",
    }
    assert switched_off.pop(setting) not in subjects
    assert subjects == set(switched_off.values())


def test_a_change_that_rolls_back_enqueues_nothing(fca, supervisor, submitted, mailoutbox, run_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.sign_off(checklist=submitted, by=supervisor)
        assert DBTaskResult.objects.count() == 1
        raise RuntimeError("something later failed")
    assert not DBTaskResult.objects.exists()
    assert run_tasks() == 0
    assert mailoutbox == []
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED


def test_a_mail_outage_neither_undoes_nor_delays_the_sign_off_and_the_email_is_retried(
    client_for, fca, supervisor, submitted, mailoutbox, run_tasks, monkeypatch, caplog, settings
):
    def refused(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refused)
    response = client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": submitted.pk}))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF

    assert run_tasks() == 1
    task = DBTaskResult.objects.get()
    # Back on the queue, after a wait, with the error kept for anyone looking.
    assert task.status == TaskResultStatus.READY
    assert task.run_after > task.enqueued_at
    assert task.exception_class_path == "builtins.ConnectionRefusedError"
    assert len(task.worker_ids) == 1
    assert submitted.case_reference not in caplog.text

    monkeypatch.undo()
    DBTaskResult.objects.update(run_after=task.enqueued_at)
    assert run_tasks() == 1
    assert [message.to for message in mailoutbox] == [[fca.email]]
    task.refresh_from_db()
    assert (task.status, len(task.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 2)


def test_an_error_that_will_not_pass_is_not_retried(client_for, supervisor, submitted, run_tasks, monkeypatch):
    monkeypatch.setitem(
        __import__("checklists.notifications", fromlist=["KINDS"]).KINDS, "signed_off", lambda **_: 1 / 0
    )
    client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": submitted.pk}))
    run_tasks()
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "builtins.ZeroDivisionError"


def test_a_refusal_from_the_mail_server_is_retried_like_an_outage(
    client_for, supervisor, submitted, run_tasks, monkeypatch
):
    def busy(self, *args, **kwargs):
        raise smtplib.SMTPDataError(451, b"try again later")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", busy)
    client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": submitted.pk}))
    run_tasks()
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
