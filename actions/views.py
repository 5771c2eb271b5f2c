"""Adding and changing a checklist's actions.

These pages belong to a checklist that is being written: only its author reaches them, and only
while it can still be changed.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from checklists.access import get_checklist_for_user
from checklists.models import Checklist
from checklists.services import ChecklistLocked

from . import services
from .forms import ActionForm
from .models import Action


def _editable(request, pk) -> tuple[Checklist, HttpResponse | None]:
    """The person's own checklist, and the reply to give instead if it can no longer be changed.

    A page asked for is redirected to the checklist; a change posted to it is refused with a 409.
    """
    checklist = get_checklist_for_user(request, pk, edit=True)
    if checklist.is_editable:
        return checklist, None
    message = (
        f"This checklist is {checklist.get_status_display().lower()}, so its actions can no longer be added "
        "or changed. You can still mark them done or no longer needed from ‘Your actions’."
    )
    if request.htmx:
        return checklist, _status_fragment(409, error=f"Not saved: {message}")
    if request.method == "POST":
        return checklist, render(
            request, "actions/locked.html", {"checklist": checklist, "message": message}, status=409
        )
    messages.info(request, message)
    return checklist, redirect(checklist)


def _back_to(checklist: Checklist, question) -> str:
    return f"{checklist.get_step_url(question.step.number)}#actions-{question.key}"


def _form_page(request, checklist, question, form, *, action=None, status=200, stale=None):
    context = {
        "checklist": checklist,
        "question": question,
        "form": form,
        "action": action,
        "stale": stale,
        "back_url": _back_to(checklist, question),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }
    return render(request, "actions/form.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def add(request, pk, key):
    checklist, refused = _editable(request, pk)
    if refused:
        return refused
    question = get_object_or_404(checklist.template.questions.select_related("step"), key=key, collects_actions=True)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(checklist=checklist, question=question, by=request.user, **form.values)
        except ChecklistLocked:
            return redirect(checklist)
        except services.ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Action added.")
            return redirect(_back_to(checklist, question))
    return _form_page(request, checklist, question, form, status=400 if form.is_bound else 200)


def _status_fragment(status: int, **context) -> HttpResponse:
    return HttpResponse(render_to_string("actions/_autosave_status.html", context), status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def change(request, pk, action_pk):
    """Change an action's wording. With htmx, each change is saved in the background and the reply is a
    status fragment; without, the form posts and returns to the step."""
    checklist, refused = _editable(request, pk)
    if refused:
        return refused
    action = get_object_or_404(checklist.actions.select_related("question__step", "checklist"), pk=action_pk)
    question = action.question
    if request.method == "GET":
        form = ActionForm(action=action, initial=_initial(action))
        return _form_page(request, checklist, question, form, action=action)
    form = ActionForm(request.POST, action=action)
    base = _int(request.POST.get("revision"))
    if not form.is_valid() or base is None:
        if request.htmx:
            first = next(iter(form.errors.values()), ["Reload the page and try again"])[0]
            return _status_fragment(400, error=f"Not saved: {first}")
        return _form_page(request, checklist, question, form, action=action, status=400)
    try:
        saved = services.update_action(action=action, base_revision=base, by=request.user, **form.values)
    except services.StaleAction as conflict:
        if request.htmx:
            return _status_fragment(409, conflict=conflict.action)
        return _form_page(request, checklist, question, form, action=action, status=409, stale=conflict.action)
    except ChecklistLocked:
        return _status_fragment(423, locked=True) if request.htmx else redirect(checklist)
    except services.ActionError as error:
        if request.htmx:
            return _status_fragment(400, error=f"Not saved: {error}")
        form.add_error(None, str(error))
        return _form_page(request, checklist, question, form, action=action, status=400)
    if request.htmx:
        return _status_fragment(200, action=saved, saved_at=timezone.localtime(saved.updated_at))
    messages.success(request, "Action saved.")
    return redirect(_back_to(checklist, question))


def _initial(action: Action) -> dict:
    return {
        "description": action.description,
        "owner": action.owner,
        "agency_role": action.agency_role,
        "due_on": action.due_on,
    }


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@never_cache
@login_required
@require_POST
def remove(request, pk, action_pk):
    checklist, refused = _editable(request, pk)
    if refused:
        return refused
    action = get_object_or_404(checklist.actions.select_related("question__step", "checklist"), pk=action_pk)
    base = _int(request.POST.get("revision"))
    try:
        services.remove_action(action=action, base_revision=base if base is not None else -1, by=request.user)
    except services.StaleAction as conflict:
        form = ActionForm(action=conflict.action, initial=_initial(conflict.action))
        return _form_page(
            request, checklist, action.question, form, action=conflict.action, status=409, stale=conflict.action
        )
    messages.success(request, "Action removed.")
    return redirect(_back_to(checklist, action.question))
