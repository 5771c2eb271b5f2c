"""Supervision: the review queue, the review page and its actions, and the team overview.

Every checklist is loaded through checklists/access.py: strangers get a 404, drafts are never
shown, and an author who also supervises their team gets a 403 for their own checklist. State
changes go through checklists/services.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Min, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Membership, User
from actions.models import Action
from checklists import services
from checklists.access import OwnChecklist, get_checklist_for_review
from checklists.formats import checklist_url_maker, short_moment
from checklists.models import Checklist, ChecklistTemplate
from checklists.services import MAX_COMMENT_LENGTH
from checklists.timeline import timeline_page
from checklists.walkthrough import load_structure
from config.pagination import pagination

from .forms import (
    QUEUE_STATUSES,
    CommentForm,
    DecisionForm,
    DiscussedForm,
    QueueFilterForm,
    ReturnForm,
    SignOffForm,
    TeamFilterForm,
)
from .review import build_review
from .selectors import (
    can_review,
    overdue_threshold,
    reviewable_teams,
    status_counts,
    working_days_waiting,
)

PAGE_SIZE = 20
NOT_A_SUPERVISOR = "Only supervisors can use supervision pages. You do not supervise a team."

# The date each status's list shows, and its column heading.
QUEUE_SHOWN_AT = {
    Checklist.Status.SUBMITTED: ("submitted_at", "Submitted"),
    Checklist.Status.RETURNED: ("returned_at", "Returned"),
    Checklist.Status.SIGNED_OFF: ("signed_off_at", "Signed off"),
}

# The columns the queue shows: a row never reads a checklist's other fields, or a template's texts.
QUEUE_FIELDS = (
    "title", "case_reference", "status", "submitted_at", "returned_at", "signed_off_at", "team__name",
    "author__first_name", "author__last_name", "author__username", "template__title",
)  # fmt: skip

# How each status's list is ordered: the longest-waiting first, otherwise the most recent first.
QUEUE_ORDER = {
    Checklist.Status.SUBMITTED: ["submitted_at", "pk"],
    Checklist.Status.RETURNED: ["-returned_at", "pk"],
    Checklist.Status.SIGNED_OFF: ["-signed_off_at", "pk"],
}


def _require_reviewer(user: User) -> None:
    if not can_review(user):
        raise PermissionDenied(NOT_A_SUPERVISOR)


def _pagination(request, page, *, label: str) -> dict:
    """Page links that keep the list's other filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return pagination(page, query=query.urlencode(), label=label)


def _waiting(days: int) -> str:
    return f"{days} working day{'' if days == 1 else 's'}" if days else "Less than a working day"


def _breadcrumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [("Home", reverse("home")), *trail]


# --- Queue -----------------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def queue(request):
    user = request.user
    _require_reviewer(user)
    teams = list(reviewable_teams(user))
    # Anyone in the teams, supervisors included: a supervisor may also write checklists there.
    people = list(
        User.objects.filter(memberships__team__in=teams)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "last_name", "username")
        .only("first_name", "last_name", "username")
    )
    templates = list(ChecklistTemplate.objects.order_by("slug", "-version").only("slug", "title", "version"))
    form = QueueFilterForm(request.GET, teams=teams, people=people, templates=templates)
    context = {
        "page_title": f"{'Error: ' if form.errors else ''}Review queue",
        "breadcrumbs": _breadcrumbs(("Review queue", None)),
        "form": form,
        "statuses": QUEUE_STATUSES,
        "threshold": overdue_threshold(),
    }
    if form.is_valid():
        context.update(_queue_listing(request, form, teams=teams))
    return render(request, "supervision/queue.html", context, status=400 if form.errors else 200)


def _queue_listing(request, form, *, teams) -> dict:
    user = request.user
    status = form.cleaned_data["status"]
    in_queue = Checklist.objects.in_review_for(user).exclude(author=user).filter(**form.checklist_filters)
    counts = status_counts(in_queue, statuses=QUEUE_STATUSES)
    listed = (
        in_queue.filter(status=status)
        .select_related("author", "team", "template")
        .only(*QUEUE_FIELDS)
        .order_by(*QUEUE_ORDER[status])
    )
    paginator = Paginator(listed, PAGE_SIZE)
    paginator.count = counts[status]  # counted with the others above: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    threshold = overdue_threshold()
    review_url = checklist_url_maker("supervision:review")
    shown_at, shown_at_label = QUEUE_SHOWN_AT[status]
    for checklist in page.object_list:
        checklist.review_url = review_url(checklist.pk)
        checklist.shown_at = short_moment(getattr(checklist, shown_at))
        if checklist.status == Checklist.Status.SUBMITTED and checklist.submitted_at:
            checklist.days_waiting = working_days_waiting(checklist.submitted_at, today)
            checklist.is_overdue = checklist.days_waiting > threshold
        checklist.waiting = _waiting(getattr(checklist, "days_waiting", 0))

    # Links keep the other filters when switching status or page.
    kept = request.GET.copy()
    kept.pop("page", None)
    kept.pop("status", None)
    status_links = []
    for value, label in QUEUE_STATUSES.items():
        params = kept.copy()
        if value != Checklist.Status.SUBMITTED:
            params["status"] = value
        status_links.append(
            {
                "value": value,
                "label": label,
                "count": counts[value],
                "query": params.urlencode(),
                "current": value == status,
            }
        )
    return {
        "page": page,
        "pagination": _pagination(request, page, label="Pages of checklists"),
        "status": status,
        "status_label": QUEUE_STATUSES[status],
        "shown_at_label": shown_at_label,
        "status_links": status_links,
        "counts": counts,
        "is_filtered": form.is_filtered,
        "team_count": len(teams),
    }


# --- Team overview ---------------------------------------------------------------------------------


@login_required
@require_GET
@never_cache
def team(request):
    user = request.user
    _require_reviewer(user)
    teams = list(reviewable_teams(user))
    form = TeamFilterForm(request.GET, teams=teams)
    context = {"form": form, "breadcrumbs": _breadcrumbs(("Team overview", None)), "threshold": overdue_threshold()}
    if not form.is_valid():
        return render(request, "supervision/team.html", context, status=400)

    # One row per practitioner per team, counting only the checklists they started in that team.
    # Drafts are private, so they are neither counted nor hinted at.
    in_team = Q(user__checklists__team_id=F("team_id"))

    def of_status(status):
        return in_team & Q(user__checklists__status=status)

    memberships = Membership.objects.filter(team__in=teams, role=Membership.Role.PRACTITIONER)
    if form.cleaned_data["team"]:
        memberships = memberships.filter(team__slug=form.cleaned_data["team"])
    memberships = (
        memberships.select_related("user", "team")
        .annotate(
            submitted=Count("user__checklists", filter=of_status(Checklist.Status.SUBMITTED)),
            returned=Count("user__checklists", filter=of_status(Checklist.Status.RETURNED)),
            signed_off=Count("user__checklists", filter=of_status(Checklist.Status.SIGNED_OFF)),
            oldest_waiting=Min("user__checklists__submitted_at", filter=of_status(Checklist.Status.SUBMITTED)),
        )
        .order_by("team__name", "user__first_name", "user__last_name", "user__username")
    )
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    action_counts = _action_counts(page.object_list, today)
    for membership in page.object_list:
        key = (membership.user_id, membership.team_id)
        membership.open_actions, membership.overdue_actions = action_counts.get(key, (0, 0))
        if membership.oldest_waiting:
            membership.days_waiting = working_days_waiting(membership.oldest_waiting, today)
            membership.is_overdue = membership.days_waiting > context["threshold"]
    context.update(
        {
            "page": page,
            "pagination": _pagination(request, page, label="Pages of practitioners"),
            "team_count": len(teams),
        }
    )
    return render(request, "supervision/team.html", context)


def _action_counts(memberships, today) -> dict[tuple[int, int], tuple[int, int]]:
    """Open and overdue actions per (practitioner, team), in one query: counts only, never what they say.

    As with the checklists, only actions on checklists started in that team count, and never a draft's.
    """
    if not memberships:
        return {}
    rows = (
        Action.objects.open()
        .filter(
            checklist__author_id__in={membership.user_id for membership in memberships},
            checklist__team_id__in={membership.team_id for membership in memberships},
        )
        .exclude(checklist__status=Checklist.Status.DRAFT)
        .values("checklist__author_id", "checklist__team_id")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    )
    return {(row["checklist__author_id"], row["checklist__team_id"]): (row["open"], row["overdue"]) for row in rows}


# --- Review page -----------------------------------------------------------------------------------

# The one sign-off waiting for its confirmation: {"checklist": pk, "note": text}. Kept in the
# session, never in an address, so that the note can be shown again after "Go back".
PENDING_SIGN_OFF = "supervision_pending_sign_off"
RETURNED_MESSAGE = "The checklist has been returned for more reflection. Its author has been told by email."
SIGNED_OFF_MESSAGE = "The checklist has been signed off. Its author has been told by email."


def _pending_note(request, checklist: Checklist) -> str | None:
    pending = request.session.get(PENDING_SIGN_OFF)
    if pending and pending.get("checklist") == str(checklist.pk):
        return pending.get("note", "")
    return None


def _keep_note(request, checklist: Checklist, note: str) -> None:
    request.session[PENDING_SIGN_OFF] = {"checklist": str(checklist.pk), "note": note}


def _forget_note(request, checklist: Checklist) -> None:
    if _pending_note(request, checklist) is not None:
        del request.session[PENDING_SIGN_OFF]


def _own_checklist(request, checklist: Checklist):
    return render(
        request,
        "supervision/own_checklist.html",
        {"checklist": checklist, "breadcrumbs": _breadcrumbs(("Review queue", reverse("supervision:queue")))},
        status=403,
    )


def _review_url(checklist: Checklist, anchor: str = "") -> str:
    url = reverse("supervision:review", kwargs={"pk": checklist.pk})
    return f"{url}#{anchor}" if anchor else url


def _error_links(form) -> list[tuple[str, str]]:
    """Error summary links for a comment form that has no step on the page to show it beside."""
    return [("#answers", error) for errors in form.errors.values() for error in errors]


def _review_page(request, checklist: Checklist, *, structure=None, forms=None, status: int = 200):
    """The review page; `forms` holds a form that failed, shown again with what was typed."""
    forms = forms or {}
    structure = structure or load_structure(checklist.template_id)
    steps = structure.steps
    # Absolute, because a form error renders this page at an action's address.
    events, timeline_pagination = timeline_page(request, checklist, path=_review_url(checklist))
    error_form = next(iter(forms.values()), None)
    error_links = []
    submitted = checklist.status == Checklist.Status.SUBMITTED
    can_comment = checklist.status != Checklist.Status.SIGNED_OFF
    days_waiting = working_days_waiting(checklist.submitted_at) if submitted and checklist.submitted_at else None
    review = build_review(checklist, structure)

    failed_comment = forms.get("comment")
    if failed_comment is not None and failed_comment.for_step is None:
        error_form, error_links = None, _error_links(failed_comment)
    if can_comment:
        for step_review in review.steps:
            if failed_comment is not None and failed_comment.for_step == step_review.step:
                step_review.comment_form = failed_comment
            else:
                step_review.comment_form = CommentForm(steps=steps, for_step=step_review.step)

    decision_form = forms.get("decision")
    if decision_form is None and submitted:
        note = _pending_note(request, checklist)
        initial = {"decision": DecisionForm.SIGN_OFF, "sign_off_note": note} if note is not None else None
        decision_form = DecisionForm(initial=initial)
    context = {
        "page_title": f"{'Error: ' if forms else ''}Review checklist",
        "breadcrumbs": _breadcrumbs(("Review queue", reverse("supervision:queue")), ("Review checklist", None)),
        "checklist": checklist,
        "review": review,
        "days_waiting": days_waiting,
        "is_overdue": days_waiting is not None and days_waiting > overdue_threshold(),
        "can_decide": submitted,
        "can_comment": can_comment,
        "decision_form": decision_form,
        "discussed_form": forms.get("discussed") or DiscussedForm(checklist=checklist),
        "max_comment_length": MAX_COMMENT_LENGTH,
        "timeline_items": events,
        "timeline_pagination": timeline_pagination,
        "error_form": error_form,
        "error_links": error_links,
    }
    return render(request, "supervision/review.html", context, status=status)


@login_required
@require_GET
@never_cache
def review(request, pk):
    try:
        checklist = get_checklist_for_review(request, pk)
    except OwnChecklist as own:
        return _own_checklist(request, own.checklist)
    services.record_view(checklist=checklist, by=request.user)
    return _review_page(request, checklist)


def _refused(request, checklist: Checklist, error: services.ChecklistError):
    """A stale or forged action: say why, change nothing."""
    if isinstance(error, services.NotAReviewer):
        raise PermissionDenied(str(error))
    return render(
        request,
        "supervision/refused.html",
        {
            "checklist": checklist,
            "message": str(error),
            "breadcrumbs": _breadcrumbs(
                ("Review queue", reverse("supervision:queue")),
                ("Review checklist", _review_url(checklist)),
                ("Not done", None),
            ),
        },
        status=409,
    )


def _attempt(form, call):
    """Run a service call for a valid form; a refusal about the input becomes a form error."""
    try:
        call()
    except services.TransitionNotAllowed:
        raise
    except services.ChecklistError as error:
        form.add_error(None, str(error))
        return False
    return True


def _as_decision(form, decision: str) -> DecisionForm:
    """A refused return or sign-off sent straight to its address, shown in the decision form."""
    field = "return_reason" if decision == DecisionForm.RETURN else "sign_off_note"
    text = form.data.get(form.add_prefix("body"), "")
    shown = DecisionForm({"decision-decision": decision, f"decision-{field}": text})
    if shown.is_valid():  # the text was fine, so the error was about something else: say so above the form
        for error in (error for errors in form.errors.values() for error in errors):
            shown.add_error(None, error)
    return shown


def _step_comments(request, checklist: Checklist, step, *, form=None, added=False, refused="", status=200):
    """One step's comments and its comment form: the fragment that an in-place comment swaps in.

    Every comment is read, for the page's count of them, which an added comment updates out of band.
    """
    comments = list(checklist.comments.select_related("author").order_by("created_at", "id"))
    context = {
        "checklist": checklist,
        "step": step,
        "comments": [comment for comment in comments if comment.step_id == step.pk],
        "comment_count": len(comments),
        "general_comment_count": sum(comment.step_id is None for comment in comments),
        "comment_form": form or CommentForm(steps=[step], for_step=step),
        "can_comment": not refused,
        "added": added,
        "refused": refused,
    }
    return render(request, "supervision/_step_comments.html", context, status=status)


@login_required
@require_POST
@never_cache
def add_comment(request, pk):
    """Comment on one step: in place for htmx, otherwise back to that step on the review page.

    Sent without a step, the comment is about the whole checklist.
    """
    checklist = get_checklist_for_review(request, pk)
    structure = load_structure(checklist.template_id)
    form = CommentForm(request.POST, steps=structure.steps)
    in_place = bool(request.htmx) and form.for_step is not None
    try:
        if form.is_valid() and _attempt(
            form,
            lambda: services.add_comment(
                checklist=checklist, by=request.user, body=form.cleaned_data["body"], step=form.cleaned_data["step"]
            ),
        ):
            if in_place:
                return _step_comments(request, checklist, form.for_step, added=True)
            messages.success(request, "Your comment has been added.")
            step = form.cleaned_data["step"]
            return redirect(_review_url(checklist, f"step-{step.number}" if step else "comments"))
    except services.TransitionNotAllowed as error:
        if in_place and not isinstance(error, services.NotAReviewer):
            return _step_comments(request, checklist, form.for_step, refused=str(error), status=409)
        return _refused(request, checklist, error)
    if in_place:
        return _step_comments(request, checklist, form.for_step, form=form, status=400)
    return _review_page(request, checklist, structure=structure, forms={"comment": form}, status=400)


@login_required
@require_POST
@never_cache
def decide(request, pk):
    """The decision form: a return is made at once; a sign-off goes to its confirmation page first."""
    checklist = get_checklist_for_review(request, pk)
    form = DecisionForm(request.POST)
    returning = request.POST.get("decision-decision") == DecisionForm.RETURN
    try:
        # A checklist that has moved on is refused as such, whatever the form says.
        services.ensure_can_move(checklist, Checklist.Status.RETURNED if returning else Checklist.Status.SIGNED_OFF)
        if form.is_valid() and form.cleaned_data["decision"] == DecisionForm.SIGN_OFF:
            _keep_note(request, checklist, form.text)
            return redirect("supervision:sign_off", pk=checklist.pk)
        if form.is_valid() and _attempt(
            form, lambda: services.return_for_reflection(checklist=checklist, by=request.user, comment=form.text)
        ):
            _forget_note(request, checklist)
            messages.success(request, RETURNED_MESSAGE)
            return redirect("supervision:review", pk=checklist.pk)
    except services.TransitionNotAllowed as error:
        return _refused(request, checklist, error)
    return _review_page(request, checklist, forms={"decision": form}, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def sign_off(request, pk):
    """GET asks "are you sure?"; its Confirm button POSTs here, and only that signs the checklist off."""
    checklist = get_checklist_for_review(request, pk)
    try:
        services.ensure_can_move(checklist, Checklist.Status.SIGNED_OFF)
    except services.TransitionNotAllowed as error:
        return _refused(request, checklist, error)
    if request.method == "GET":
        services.record_view(checklist=checklist, by=request.user)
        note = _pending_note(request, checklist) or ""
        return render(
            request,
            "supervision/confirm_sign_off.html",
            {
                "checklist": checklist,
                "note": note,
                "form": SignOffForm(initial={"body": note}),
                "back_url": _review_url(checklist, "your-review"),
                "breadcrumbs": _breadcrumbs(
                    ("Review queue", reverse("supervision:queue")),
                    ("Review checklist", _review_url(checklist)),
                    ("Sign off", None),
                ),
            },
        )
    form = SignOffForm(request.POST)
    try:
        if form.is_valid() and _attempt(
            form, lambda: services.sign_off(checklist=checklist, by=request.user, comment=form.cleaned_data["body"])
        ):
            _forget_note(request, checklist)
            messages.success(request, SIGNED_OFF_MESSAGE)
            return redirect("supervision:review", pk=checklist.pk)
    except services.TransitionNotAllowed as error:
        return _refused(request, checklist, error)
    return _review_page(request, checklist, forms={"decision": _as_decision(form, DecisionForm.SIGN_OFF)}, status=400)


def _action(handler):
    """Shared plumbing for the other POST actions: load, validate, call the service, redirect."""

    @login_required
    @require_POST
    @never_cache
    def view(request, pk):
        checklist = get_checklist_for_review(request, pk)
        structure = load_structure(checklist.template_id)
        try:
            result = handler(request, checklist, structure.steps)
        except services.TransitionNotAllowed as error:
            return _refused(request, checklist, error)
        if isinstance(result, tuple):  # (form name, invalid form)
            name, form = result
            return _review_page(request, checklist, structure=structure, forms={name: form}, status=400)
        messages.success(request, result)
        return redirect("supervision:review", pk=checklist.pk)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


@_action
def return_for_reflection(request, checklist, steps):
    """Return the checklist at once with a reason and, optionally, a step: the decision form's return, sent directly."""
    # A checklist that has moved on is refused as such, whatever the form says.
    services.ensure_can_move(checklist, Checklist.Status.RETURNED)
    form = ReturnForm(request.POST, steps=steps)
    if form.is_valid() and _attempt(
        form,
        lambda: services.return_for_reflection(
            checklist=checklist, by=request.user, comment=form.cleaned_data["body"], step=form.cleaned_data["step"]
        ),
    ):
        _forget_note(request, checklist)
        return RETURNED_MESSAGE
    return ("decision", _as_decision(form, DecisionForm.RETURN))


@_action
def record_discussion(request, checklist, steps):
    """Record the date the checklist was discussed in supervision."""
    form = DiscussedForm(request.POST, checklist=checklist)
    if form.is_valid() and _attempt(
        form,
        lambda: services.record_discussion(checklist=checklist, by=request.user, on=form.cleaned_data["discussed"]),
    ):
        return f"Recorded that it was discussed in supervision on {form.cleaned_data['discussed']:%-d %B %Y}."
    return ("discussed", form)
