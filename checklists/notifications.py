"""Emails about checklists. They carry a link, never case details, names or answers.

Each email is a task, enqueued in the transaction of the change it reports: it is sent if and only
if the change commits, by the worker, so a slow or absent mail server never holds up a page. The
task carries ids only; it reads the address when it runs, and retries while the mail server is away.

Each kind can be switched off with NOTIFY_ON_SUBMIT, NOTIFY_ON_RETURN and NOTIFY_ON_SIGN_OFF. There
is one message per person, so nobody sees who else was told.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from accounts.models import Membership, User
from jobs.retries import retry

from .models import Checklist

logger = logging.getLogger(__name__)

FOOTER = "This email does not contain case details. Sign in to Practice Hub to read them."


def _link(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def _submitted(checklist_id: str, **_) -> tuple[str, str]:
    return (
        "Practice Hub: a checklist is waiting for your review",
        "A reflective checklist from your team has been submitted for review.\n\n"
        f"Review it in Practice Hub: {_link('supervision:review', pk=checklist_id)}",
    )


def _returned(checklist_id: str, **_) -> tuple[str, str]:
    return (
        "Practice Hub: a checklist was returned for more reflection",
        "Your supervisor has returned one of your reflective checklists with comments.\n\n"
        f"Open it in Practice Hub: {_link('checklists:detail', pk=checklist_id)}",
    )


def _signed_off(checklist_id: str, **_) -> tuple[str, str]:
    return (
        "Practice Hub: a checklist was signed off",
        "Your supervisor has signed off one of your reflective checklists.\n\n"
        f"Open it in Practice Hub: {_link('checklists:detail', pk=checklist_id)}",
    )


def _overdue_digest(count: int, **_) -> tuple[str, str]:
    days = settings.REVIEW_OVERDUE_WORKING_DAYS
    noun = "checklist has" if count == 1 else "checklists have"
    return (
        "Practice Hub: checklists waiting for review",
        f"{count} {noun} waited more than {days} working days for review in your teams.\n\n"
        f"Open your review queue in Practice Hub: {_link('supervision:queue')}",
    )


KINDS = {
    "submitted": _submitted,
    "returned": _returned,
    "signed_off": _signed_off,
    "overdue_digest": _overdue_digest,
}


@task()
def send_notification(kind: str, user_id: int, **details) -> str:
    """Send one email to one person; an inactive person, or one with no address, is skipped."""
    user = User.objects.filter(pk=user_id).only("email", "is_active").first()
    if user is None or not user.is_active or not user.email:
        logger.warning("Skipped a %s email: user %s is inactive or has no address", kind, user_id)
        return "skipped"
    subject, body = KINDS[kind](**details)
    EmailMessage(subject, f"{body}\n\n{FOOTER}", settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return "sent"


# A mail server that is down, refuses for now, or times out is worth trying again; a bug is not.
retry(send_notification, on=(smtplib.SMTPException, OSError))


def _enqueue(kind: str, user_ids, **details) -> None:
    for user_id in user_ids:
        send_notification.enqueue(kind, user_id, **details)


def checklist_submitted(checklist: Checklist) -> None:
    """Tell each supervisor of the checklist's team, except the author if they supervise it too."""
    if not settings.NOTIFY_ON_SUBMIT or checklist.team_id is None:
        return
    supervisors = (
        Membership.objects.filter(team_id=checklist.team_id, role=Membership.Role.SUPERVISOR, user__is_active=True)
        .exclude(user__email="")
        .exclude(user_id=checklist.author_id)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    _enqueue("submitted", supervisors, checklist_id=str(checklist.pk))


def checklist_returned(checklist: Checklist) -> None:
    if settings.NOTIFY_ON_RETURN:
        _enqueue("returned", [checklist.author_id], checklist_id=str(checklist.pk))


def checklist_signed_off(checklist: Checklist) -> None:
    if settings.NOTIFY_ON_SIGN_OFF:
        _enqueue("signed_off", [checklist.author_id], checklist_id=str(checklist.pk))


def overdue_digest(user_id: int, count: int) -> None:
    _enqueue("overdue_digest", [user_id], count=count)
