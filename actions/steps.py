"""Actions on a step page: each action question's actions, and the earlier reflection's actions on step 1.

The step form's own buttons add, change and carry actions, so the answers on the page are saved
first and nothing typed is lost on the way to the action form.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from checklists.models import Checklist

from . import services
from .models import Action

ADD, CHANGE, CARRY = "add_action", "change_action", "carry"
CANNOT_CARRY = "Those actions cannot be carried into this checklist. Reload the page and try again."


def attach(page) -> None:
    """Give each action question's row its actions, and step 1 the last reflection's, in at most three queries."""
    page.earlier = None
    page.earlier_actions = []
    rows = [row for row in page.rows if row.question.collects_actions]
    for row in page.rows:
        row.actions = []
    if rows:
        by_question = {row.question.pk: row for row in rows}
        for action in page.checklist.actions.filter(question__in=list(by_question)).select_related(
            "carried_from__checklist"
        ):
            by_question[action.question_id].actions.append(action)
    if page.step.number == 1 and page.checklist.is_editable:
        page.earlier = services.last_reflection(page.checklist)
        if page.earlier is not None:
            page.earlier_actions = list(
                Action.objects.filter(checklist=page.earlier)
                .select_related("question")
                .prefetch_related("carried_into")
            )
    page.has_actions = bool(rows) or bool(page.earlier_actions)


def after_save(request, checklist: Checklist, page):
    """Where a step's action buttons go once its answers are saved; None for the step's own buttons.

    Raises services.ActionError when the chosen actions cannot be carried forward.
    """
    if key := request.POST.get(ADD):
        if not any(row.question.key == key and row.question.collects_actions for row in page.rows):
            raise services.ActionError("That question does not take actions. Reload the page and try again.")
        return redirect(reverse("actions:add", kwargs={"pk": checklist.pk, "key": key}))
    if action_pk := request.POST.get(CHANGE):
        if not action_pk.isdigit() or not checklist.actions.filter(pk=action_pk).exists():
            raise services.ActionError(
                "That action is no longer on this checklist. Reload the page to see it as it is now."
            )
        return redirect(reverse("actions:change", kwargs={"pk": checklist.pk, "action_pk": int(action_pk)}))
    if request.POST.get("action") == CARRY:
        ids = request.POST.getlist("carry")
        if not all(value.isdigit() for value in ids):
            raise services.ActionError(
                "Those actions cannot be carried into this checklist. Reload the page and try again."
            )
        copies = services.carry_forward(checklist=checklist, action_ids=[int(value) for value in ids], by=request.user)
        count = len(copies)
        messages.success(request, f"{count} action{'s' if count != 1 else ''} carried into this checklist.")
        question = copies[0].question
        return redirect(f"{checklist.get_step_url(question.step.number)}#actions-{question.key}")
    return None
