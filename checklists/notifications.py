"""Emails about checklists. They carry a link, never case details or answers."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from accounts.models import Membership

from .models import Checklist


def _link(checklist: Checklist, name: str) -> str:
    from django.urls import reverse

    return settings.SITE_URL + reverse(name, kwargs={"pk": checklist.pk})


def _send(messages: list[tuple[str, str, str, list[str]]]) -> None:
    messages = [message for message in messages if message[3]]
    if messages:
        # Send only once the change is committed, so nobody is told about something that rolled back.
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False))


def checklist_submitted(checklist: Checklist) -> None:
    if not settings.NOTIFY_ON_SUBMIT or checklist.team_id is None:
        return
    supervisors = Membership.objects.filter(team_id=checklist.team_id, role=Membership.Role.SUPERVISOR).exclude(
        user__email="", user_id=checklist.author_id
    )
    link = _link(checklist, "supervision:review")
    body = (
        "A reflective checklist from your team has been submitted for review.\n\n"
        f"Review it in Practice Hub: {link}\n\n"
        "This email does not contain case details. Sign in to read them."
    )
    _send(
        [
            ("Practice Hub: a checklist is waiting for your review", body, settings.DEFAULT_FROM_EMAIL, [m.user.email])
            for m in supervisors.select_related("user")
        ]
    )


def _to_author(checklist: Checklist, subject: str, what: str) -> None:
    link = _link(checklist, "checklists:detail")
    body = (
        f"{what}\n\nOpen it in Practice Hub: {link}\n\nThis email does not contain case details. Sign in to read them."
    )
    _send([(subject, body, settings.DEFAULT_FROM_EMAIL, [checklist.author.email] if checklist.author.email else [])])


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
