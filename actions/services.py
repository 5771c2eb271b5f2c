"""Adding, changing, closing and carrying forward actions. Each function is one transaction.

Only a checklist's author changes its actions. The wording (what, who, when) changes only while
the checklist is editable; the status can change at any time after, since follow-up goes on
after a checklist is signed off. Every change is based on a revision and refused if it is stale.
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from checklists.models import Checklist, Event, Question
from checklists.services import ChecklistError, ChecklistLocked, record_event

from .models import MAX_DESCRIPTION_LENGTH, Action


class ActionError(ChecklistError):
    """A refused change to an action. The message is safe to show to the person who asked."""


class StaleAction(ActionError):
    """The action changed since the page was loaded; nothing was overwritten."""

    def __init__(self, action: Action):
        super().__init__(
            "This action was changed in another tab or window after you opened this page, so your change "
            "was not saved. Check the action as it is now and try again."
        )
        self.action = action


def clean_wording(*, description: str, owner: str, agency_role: str) -> tuple[str, str]:
    """The description and agency role as stored, or ActionError saying what is wrong."""
    description = (description or "").replace("\r\n", "\n").strip()
    if not description:
        raise ActionError("Enter what will be done")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ActionError(f"What will be done must be {MAX_DESCRIPTION_LENGTH} characters or fewer")
    if owner not in Action.Owner.values:
        raise ActionError("Select who will do it")
    agency_role = (agency_role or "").strip() if owner == Action.Owner.AGENCY else ""
    if owner == Action.Owner.AGENCY and not agency_role:
        raise ActionError("Enter the role of the person at the other agency, such as ‘allocated social worker’")
    return description, agency_role


def check_due(due_on: datetime.date) -> None:
    if due_on < timezone.localdate():
        raise ActionError("The due date must be today or in the future")


def _check_author(checklist: Checklist, by: User) -> None:
    if checklist.author_id != by.pk:
        raise ChecklistLocked("Only the author can change this checklist's actions.")


def _check_editable(checklist: Checklist) -> None:
    if not checklist.is_editable:
        raise ChecklistLocked(
            f"This checklist is {checklist.get_status_display().lower()}, so its actions can no longer be added "
            "or reworded. You can still mark them done or no longer needed."
        )


@transaction.atomic
def add_action(
    *,
    checklist: Checklist,
    question: Question,
    description: str,
    owner: str,
    agency_role: str = "",
    due_on: datetime.date,
    by: User,
) -> Action:
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    _check_author(checklist, by)
    _check_editable(checklist)
    if question.template_id != checklist.template_id or not question.collects_actions:
        raise ActionError("Actions can only be added to this checklist's action questions.")
    description, agency_role = clean_wording(description=description, owner=owner, agency_role=agency_role)
    check_due(due_on)
    action = Action.objects.create(
        checklist=checklist,
        question=question,
        description=description,
        owner=owner,
        agency_role=agency_role,
        due_on=due_on,
    )
    Checklist.objects.filter(pk=checklist.pk).update(updated_at=timezone.now())
    record_event(checklist=checklist, kind=Event.Kind.ACTION_ADDED, actor=by, detail=f"Due {due_on:%-d %B %Y}")
    return action


def _swap(action: Action, base_revision: int, **changes) -> Action:
    """Apply `changes` if nobody has changed the action since `base_revision`; else StaleAction."""
    now = timezone.now()
    updated = Action.objects.filter(pk=action.pk, revision=base_revision).update(
        revision=F("revision") + 1, updated_at=now, **changes
    )
    fresh = Action.objects.select_related("checklist").get(pk=action.pk)
    if not updated:
        raise StaleAction(fresh)
    return fresh


@transaction.atomic
def update_action(
    *,
    action: Action,
    description: str,
    owner: str,
    agency_role: str = "",
    due_on: datetime.date,
    base_revision: int,
    by: User,
) -> Action:
    """Reword an open action on an editable checklist. A due date may stay as it was once it has passed."""
    checklist = action.checklist
    _check_author(checklist, by)
    _check_editable(checklist)
    if not action.is_open:
        raise ActionError(f"This action is {action.get_status_display().lower()}, so it can no longer be changed.")
    description, agency_role = clean_wording(description=description, owner=owner, agency_role=agency_role)
    if due_on != action.due_on:
        check_due(due_on)
    fresh = _swap(action, base_revision, description=description, owner=owner, agency_role=agency_role, due_on=due_on)
    Checklist.objects.filter(pk=checklist.pk).update(updated_at=fresh.updated_at)
    return fresh


@transaction.atomic
def remove_action(*, action: Action, base_revision: int, by: User) -> None:
    """Delete an action added by mistake, while its checklist is still a draft or returned."""
    checklist = action.checklist
    _check_author(checklist, by)
    _check_editable(checklist)
    if action.carried_from_id:
        # The earlier action goes back to open, so nothing carried forward is dropped silently.
        Action.objects.filter(pk=action.carried_from_id, status=Action.Status.CARRIED_FORWARD).update(
            status=Action.Status.OPEN, closed_on=None, revision=F("revision") + 1, updated_at=timezone.now()
        )
    if not Action.objects.filter(pk=action.pk, revision=base_revision).delete()[0]:
        raise StaleAction(Action.objects.select_related("checklist").get(pk=action.pk))


@transaction.atomic
def close_action(
    *, action: Action, status: str, note: str = "", on: datetime.date | None = None, base_revision: int, by: User
) -> Action:
    """Mark an open action done (with an optional note and the date) or no longer needed (with a reason)."""
    _check_author(action.checklist, by)
    today = timezone.localdate()
    on = on or today
    note = (note or "").replace("\r\n", "\n").strip()
    if status not in (Action.Status.DONE, Action.Status.NOT_NEEDED):
        raise ActionError("Choose done or no longer needed")
    fresh = Action.objects.get(pk=action.pk)
    if fresh.revision != base_revision:
        raise StaleAction(fresh)
    if not fresh.is_open:
        raise ActionError(f"This action is already {fresh.get_status_display().lower()}.")
    if status == Action.Status.NOT_NEEDED and not note:
        raise ActionError("Enter why the action is no longer needed")
    if len(note) > MAX_DESCRIPTION_LENGTH:
        raise ActionError(f"The note must be {MAX_DESCRIPTION_LENGTH} characters or fewer")
    if on > today:
        raise ActionError("The date must be today or in the past")
    if on < fresh.created_at.date() - datetime.timedelta(days=1):
        raise ActionError("The date must be on or after the day the action was added")
    fresh = _swap(action, base_revision, status=status, note=note, closed_on=on)
    kind = Event.Kind.ACTION_DONE if status == Action.Status.DONE else Event.Kind.ACTION_NOT_NEEDED
    record_event(checklist=fresh.checklist, kind=kind, actor=by, detail=f"On {on:%-d %B %Y}")
    return fresh


def earlier_checklists(checklist: Checklist):
    """The author's other checklists for the same case, newest first."""
    return (
        Checklist.objects.filter(author_id=checklist.author_id, case_reference=checklist.case_reference)
        .exclude(pk=checklist.pk)
        .filter(created_at__lt=checklist.created_at)
        .order_by("-created_at")
    )


def last_reflection(checklist: Checklist) -> Checklist | None:
    """The author's most recent earlier checklist for this case, if any."""
    return earlier_checklists(checklist).select_related("template").first()


@transaction.atomic
def carry_forward(*, checklist: Checklist, action_ids: list[int], by: User) -> list[Action]:
    """Copy open actions from the author's earlier checklists for this case into this one.

    Each earlier action becomes "carried forward"; its copy here points back to it.
    """
    checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
    _check_author(checklist, by)
    _check_editable(checklist)
    if not action_ids:
        raise ActionError("Select the actions to carry into this checklist")
    target = checklist.template.questions.filter(collects_actions=True).order_by("step__number", "order").first()
    if target is None:
        raise ActionError("This checklist has no action question to carry actions into.")
    earlier = (
        Action.objects.select_for_update()
        .filter(pk__in=action_ids, checklist__in=earlier_checklists(checklist))
        .order_by("due_on", "id")
    )
    earlier = list(earlier)
    if len(earlier) != len(set(action_ids)):
        raise ActionError("Those actions cannot be carried into this checklist. Reload the page and try again.")
    closed = [action for action in earlier if not action.is_open]
    if closed:
        raise ActionError(
            f"{len(closed)} of those actions {'is' if len(closed) == 1 else 'are'} no longer open. "
            "Reload the page to see where each one stands."
        )
    today = timezone.localdate()
    copies = Action.objects.bulk_create(
        Action(
            checklist=checklist,
            question=target,
            description=action.description,
            owner=action.owner,
            agency_role=action.agency_role,
            due_on=action.due_on,
            carried_from=action,
        )
        for action in earlier
    )
    Action.objects.filter(pk__in=[action.pk for action in earlier]).update(
        status=Action.Status.CARRIED_FORWARD,
        closed_on=today,
        revision=F("revision") + 1,
        updated_at=timezone.now(),
    )
    detail = f"{len(copies)} action{'s' if len(copies) != 1 else ''} from an earlier reflection"
    record_event(checklist=checklist, kind=Event.Kind.ACTIONS_CARRIED, actor=by, detail=detail)
    for source in {action.checklist_id for action in earlier}:
        record_event(
            checklist=Checklist(pk=source),
            kind=Event.Kind.ACTIONS_CARRIED,
            actor=by,
            detail="Into a later reflection on this case",
        )
    return copies
