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
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Membership, User
from checklists import services
from checklists.access import OwnChecklist, get_checklist_for_review
from checklists.formats import checklist_url_maker, short_moment
from checklists.models import Checklist, ChecklistTemplate
from checklists.timeline import timeline_page
from checklists.walkthrough import load_structure
from config.pagination import pagination

from .forms import (
    QUEUE_STATUSES,
    CommentForm,
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
    for membership in page.object_list:
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


# --- Review page -----------------------------------------------------------------------------------


def _own_checklist(request, checklist: Checklist):
    return render(
        request,
        "supervision/own_checklist.html",
        {"checklist": checklist, "breadcrumbs": _breadcrumbs(("Review queue", reverse("supervision:queue")))},
        status=403,
    )


def _review_page(request, checklist: Checklist, *, structure=None, forms=None, status: int = 200):
    """The review page; `forms` holds a form that failed, shown again with what was typed."""
    forms = forms or {}
    structure = structure or load_structure(checklist.template_id)
    steps = structure.steps
    # Absolute, because a form error renders this page at an action's address.
    path = reverse("supervision:review", kwargs={"pk": checklist.pk})
    events, timeline_pagination = timeline_page(request, checklist, path=path)
    error_form = next(iter(forms.values()), None)
    submitted = checklist.status == Checklist.Status.SUBMITTED
    days_waiting = working_days_waiting(checklist.submitted_at) if submitted and checklist.submitted_at else None
    context = {
        "page_title": f"{'Error: ' if error_form and error_form.errors else ''}Review checklist",
        "breadcrumbs": _breadcrumbs(("Review queue", reverse("supervision:queue")), ("Review checklist", None)),
        "checklist": checklist,
        "review": build_review(checklist, structure),
        "days_waiting": days_waiting,
        "is_overdue": days_waiting is not None and days_waiting > overdue_threshold(),
        "can_decide": submitted,
        "can_comment": checklist.status != Checklist.Status.SIGNED_OFF,
        "comment_form": forms.get("comment") or CommentForm(steps=steps),
        "return_form": forms.get("return") or ReturnForm(steps=steps),
        "signoff_form": forms.get("signoff") or SignOffForm(),
        "discussed_form": forms.get("discussed") or DiscussedForm(checklist=checklist),
        "timeline_items": events,
        "timeline_pagination": timeline_pagination,
        "error_form": error_form,
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
                ("Review checklist", reverse("supervision:review", kwargs={"pk": checklist.pk})),
                ("Not done", None),
            ),
        },
        status=409,
    )


def _invalid(request, checklist: Checklist, name: str, form, structure):
    return _review_page(request, checklist, structure=structure, forms={name: form}, status=400)


def _action(handler):
    """Shared plumbing for the POST actions: load, validate, call the service, redirect."""

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
            return _invalid(request, checklist, *result, structure)
        messages.success(request, result)
        return redirect("supervision:review", pk=checklist.pk)

    view.__name__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


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


@_action
def add_comment(request, checklist, steps):
    """Comment on the whole checklist or on one step."""
    form = CommentForm(request.POST, steps=steps)
    if form.is_valid() and _attempt(
        form,
        lambda: services.add_comment(
            checklist=checklist, by=request.user, body=form.cleaned_data["body"], step=form.cleaned_data["step"]
        ),
    ):
        return "Your comment has been added."
    return ("comment", form)


@_action
def return_for_reflection(request, checklist, steps):
    """Send the checklist back to its author with a comment saying what needs more reflection."""
    # A checklist that has moved on is refused as such, whatever the form says.
    services.ensure_can_move(checklist, Checklist.Status.RETURNED)
    form = ReturnForm(request.POST, steps=steps)
    if form.is_valid() and _attempt(
        form,
        lambda: services.return_for_reflection(
            checklist=checklist, by=request.user, comment=form.cleaned_data["body"], step=form.cleaned_data["step"]
        ),
    ):
        return "The checklist has been returned for more reflection. Its author has been told by email."
    return ("return", form)


@_action
def sign_off(request, checklist, steps):
    """Sign the checklist off, with an optional comment."""
    services.ensure_can_move(checklist, Checklist.Status.SIGNED_OFF)
    form = SignOffForm(request.POST)
    if form.is_valid() and _attempt(
        form, lambda: services.sign_off(checklist=checklist, by=request.user, comment=form.cleaned_data["body"])
    ):
        return "The checklist has been signed off. Its author has been told by email."
    return ("signoff", form)


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
