"""Emails on submit, return and sign-off: who gets them, that they carry only a link, and the switches."""

import pytest
from django.db import transaction
from django.urls import reverse

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
    fca, supervisor, other_supervisor, north, draft, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://practicehub.example.org"
    second = UserFactory(username="supervisor-b")
    MembershipFactory(user=second, team=north, role=Membership.Role.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(checklist=draft, by=fca)
    assert sorted(message.to[0] for message in mailoutbox) == sorted([supervisor.email, second.email])
    # One message each, so no supervisor learns who else was told.
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
    assert message.subject == "Practice Hub: a checklist is waiting for your review"
    link = "https://practicehub.example.org" + reverse("supervision:review", kwargs={"pk": draft.pk})
    assert link in message.body
    assert_no_case_details(message, draft)
    assert other_supervisor.email not in [message.to[0] for message in mailoutbox]


def test_a_supervisor_who_wrote_the_checklist_is_not_emailed_about_it(
    north, supervisor, template, mailoutbox, django_capture_on_commit_callbacks
):
    practising_supervisor = UserFactory()
    MembershipFactory(user=practising_supervisor, team=north, role=Membership.Role.SUPERVISOR)
    own = make_checklist(practising_supervisor, template, status=Checklist.Status.DRAFT, team=north)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(checklist=own, by=practising_supervisor)
    assert [message.to for message in mailoutbox] == [[supervisor.email]]


def test_supervisors_without_an_email_or_no_longer_active_are_skipped(
    fca, supervisor, north, draft, mailoutbox, django_capture_on_commit_callbacks
):
    supervisor.email = ""
    supervisor.save()
    gone = UserFactory(is_active=False)
    MembershipFactory(user=gone, team=north, role=Membership.Role.SUPERVISOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(checklist=draft, by=fca)
    assert mailoutbox == []


def test_returning_emails_the_author(
    client_for, fca, supervisor, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor).post(
            reverse("supervision:return", kwargs={"pk": submitted.pk}), {"return-body": "What did dad say?"}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [fca.email]
    assert message.subject == "Practice Hub: a checklist was returned for more reflection"
    assert reverse("checklists:detail", kwargs={"pk": submitted.pk}) in message.body
    assert "What did dad say?" not in message.body
    assert_no_case_details(message, submitted)


def test_signing_off_emails_the_author(
    client_for, fca, supervisor, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(supervisor).post(
            reverse("supervision:sign_off", kwargs={"pk": submitted.pk}), {"signoff-body": "Well reasoned."}
        )
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [fca.email]
    assert message.subject == "Practice Hub: a checklist was signed off"
    assert_no_case_details(message, submitted)


def test_comments_and_discussions_send_no_email(
    client_for, supervisor, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(supervisor).post(reverse("supervision:comment", kwargs={"pk": submitted.pk}), {"comment-body": "Hi"})
    assert mailoutbox == []


@pytest.mark.parametrize("setting", ["NOTIFY_ON_SUBMIT", "NOTIFY_ON_RETURN", "NOTIFY_ON_SIGN_OFF"])
def test_each_email_can_be_switched_off(
    setting, fca, supervisor, template, mailoutbox, django_capture_on_commit_callbacks, settings
):
    setattr(settings, setting, False)
    with django_capture_on_commit_callbacks(execute=True):
        first = make_checklist(fca, template, status=Checklist.Status.DRAFT)
        services.submit(checklist=first, by=fca)
        services.return_for_reflection(checklist=first, by=supervisor, comment="More")
        second = make_checklist(fca, template)
        services.sign_off(checklist=second, by=supervisor)
    subjects = {message.subject for message in mailoutbox}
    switched_off = {
        "NOTIFY_ON_SUBMIT": "Practice Hub: a checklist is waiting for your review",
        "NOTIFY_ON_RETURN": "Practice Hub: a checklist was returned for more reflection",
        "NOTIFY_ON_SIGN_OFF": "Practice Hub: a checklist was signed off",
    }
    assert switched_off.pop(setting) not in subjects
    assert subjects == set(switched_off.values())


def test_nothing_is_sent_when_the_change_rolls_back(
    fca, supervisor, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.sign_off(checklist=submitted, by=supervisor)
            raise RuntimeError("something later failed")
    assert mailoutbox == []
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED


def test_a_mail_failure_does_not_undo_or_break_the_sign_off(
    client_for, supervisor, submitted, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("checklists.notifications.send_mass_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(supervisor).post(reverse("supervision:sign_off", kwargs={"pk": submitted.pk}))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SIGNED_OFF
    assert "Could not send 1 checklist notification" in caplog.text
    assert submitted.case_reference not in caplog.text
