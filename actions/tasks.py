"""Reminders about actions: a morning email on the day actions fall due, and a weekly digest of overdue ones.

Each person gets one email per run, holding a count and a link to their actions: never the action
text or case details. Each email is its own task, holding ids only, which reads the address when it
runs and retries while the mail server is away, as checklists/notifications.py does.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from checklists.notifications import FOOTER
from jobs.models import Claim
from jobs.retries import retry

from .models import Action

logger = logging.getLogger(__name__)


def _link() -> str:
    return settings.SITE_URL + reverse("actions:list")


def _due_today(count: int) -> tuple[str, str]:
    return (
        "Practice Hub: actions due today",
        f"You have {count} action{'' if count == 1 else 's'} due today.\n\nSee your actions in Practice Hub: {_link()}",
    )


def _overdue(count: int) -> tuple[str, str]:
    return (
        "Practice Hub: overdue actions",
        f"You have {count} overdue action{'' if count == 1 else 's'}.\n\n"
        f"See your actions in Practice Hub, and mark each one done or no longer needed: {_link()}",
    )


KINDS = {"due_today": _due_today, "overdue": _overdue}


@task()
def send_action_reminder(kind: str, user_id: int, count: int) -> str:
    """Send one reminder to one person; an inactive person, or one with no address, is skipped."""
    user = User.objects.filter(pk=user_id).only("email", "is_active").first()
    if user is None or not user.is_active or not user.email:
        logger.warning("Skipped an action reminder (%s): user %s is inactive or has no address", kind, user_id)
        return "skipped"
    subject, body = KINDS[kind](count)
    EmailMessage(subject, f"{body}\n\n{FOOTER}", settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return "sent"


# A mail server that is down, refuses for now, or times out is worth trying again; a bug is not.
retry(send_action_reminder, on=(smtplib.SMTPException, OSError))


def _remind(kind: str, actions, claim: str) -> int:
    """Enqueue one reminder for each active person with an address who has some of `actions`."""
    counts = (
        actions.filter(checklist__author__is_active=True)
        .exclude(checklist__author__email="")
        .order_by()
        .values("checklist__author_id")
        .annotate(number=Count("pk"))
        .order_by("checklist__author_id")
    )
    sent = 0
    for row in counts:
        user_id = row["checklist__author_id"]
        # The claim and the email commit together, so a second run in the same period sends nothing more.
        with transaction.atomic():
            if Claim.take(f"{claim}:{user_id}"):
                send_action_reminder.enqueue(kind, user_id, row["number"])
                sent += 1
    logger.info("Enqueued %d action reminder(s) (%s)", sent, kind)
    return sent


@task()
def send_due_today() -> int:
    """Each morning: email each person whose open actions fall due today, at most once a day."""
    today = timezone.localdate()
    return _remind("due_today", Action.objects.open().filter(due_on=today), f"actions_due:{today.isoformat()}")


@task()
def send_overdue_actions() -> int:
    """Each week: email each person with open actions past their date, at most once a week."""
    today = timezone.localdate()
    year, week, _ = today.isocalendar()
    return _remind("overdue", Action.objects.overdue(today), f"actions_overdue:{year}-W{week:02d}")
