"""Emails about checklists. They carry a link, never case details, names or answers.

Each kind can be switched off with NOTIFY_ON_SUBMIT, NOTIFY_ON_RETURN and NOTIFY_ON_SIGN_OFF. Mail is
sent only once the change is committed, one message per person so nobody sees who else was told.
"""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from accounts.models import Membership

from .models import Checklist

logger = logging.getLogger(__name__)

FOOTER = "This email does not contain case details. Sign in to Practice Hub to read them."

Message = tuple[str, str, str, list[str]]


def _link(checklist: Checklist, name: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"pk": checklist.pk})


def _deliver(messages: list[Message]) -> None:
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:  # noqa: BLE001 - the change is already saved; a mail outage must not turn it into an error page
        logger.exception("Could not send %d checklist notification(s)", len(messages))


def _send(messages: list[Message]) -> None:
    messages = [message for message in messages if message[3]]
    if messages:
        # Send only once the change is committed, so nobody is told about something that rolled back.
        transaction.on_commit(lambda: _deliver(messages))


def checklist_submitted(checklist: Checklist) -> None:
    """Tell each supervisor of the checklist's team, except the author if they supervise it too."""
    if not settings.NOTIFY_ON_SUBMIT or checklist.team_id is None:
        return
    supervisors = (
        Membership.objects.filter(team_id=checklist.team_id, role=Membership.Role.SUPERVISOR, user__is_active=True)
        .exclude(user__email="")
        .exclude(user_id=checklist.author_id)
        .select_related("user")
    )
    body = (
        "A reflective checklist from your team has been submitted for review.\n\n"
        f"Review it in Practice Hub: {_link(checklist, 'supervision:review')}\n\n{FOOTER}"
    )
    subject = "Practice Hub: a checklist is waiting for your review"
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [m.user.email]) for m in supervisors])


def _to_author(checklist: Checklist, subject: str, what: str) -> None:
    author = checklist.author
    if not author.is_active or not author.email:
        return
    body = f"{what}\n\nOpen it in Practice Hub: {_link(checklist, 'checklists:detail')}\n\n{FOOTER}"
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [author.email])])


def checklist_returned(checklist: Checklist) -> None:
    if settings.NOTIFY_ON_RETURN:
        _to_author(
            checklist,
            "Practice Hub: a checklist was returned for more reflection",
            "Your supervisor has returned one of your reflective checklists with comments.",
        )


def checklist_signed_off(checklist: Checklist) -> None:
    if settings.NOTIFY_ON_SIGN_OFF:
        _to_author(
            checklist,
            "Practice Hub: a checklist was signed off",
            "Your supervisor has signed off one of your reflective checklists.",
        )
