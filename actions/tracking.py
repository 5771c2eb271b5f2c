"""Following actions up: the person's own actions, one action's page, closing it, and the home page's summary.

Only a checklist's author sees its actions here (`Action.objects.owned_by`): anyone else gets a
404. An action can be closed whatever its checklist's status, since follow-up goes on after sign-off.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from checklists.formats import checklist_url_maker
from config.pagination import pagination

from . import services
from .forms import CloseActionForm
from .models import Action

PAGE_SIZE = 20
OPEN_ON_HOME = 5
CLOSED_BY_PERSON = (Action.Status.DONE, Action.Status.NOT_NEEDED)
# What the list shows, in which order: soonest due first while open, most recently closed first once closed.
FILTERS = {
    "open": {"label": "Open", "filter": Q(status=Action.Status.OPEN), "order": ("due_on", "pk")},
    "overdue": {"label": "Overdue", "order": ("due_on", "pk")},
    "done": {
        "label": "Done or no longer needed",
        "filter": Q(status__in=CLOSED_BY_PERSON),
        "order": ("-closed_on", "-updated_at", "-pk"),
    },
    "all": {"label": "All", "filter": Q(), "order": ("-due_on", "-pk")},
}
ROW_FIELDS = (
    "pk",
    "description",
    "owner",
    "agency_role",
    "due_on",
    "status",
    "closed_on",
    "note",
    "updated_at",
    "checklist__id",
    "checklist__case_reference",
    "checklist__title",
    "checklist__created_at",
)


def _filters(today) -> dict:
    overdue = Q(status=Action.Status.OPEN, due_on__lt=today)
    return {name: {**spec, "filter": spec.get("filter", overdue)} for name, spec in FILTERS.items()}


def counts_for(user, today) -> dict[str, int]:
    """How many of the person's actions each filter holds, in one query."""
    return (
        Action.objects.owned_by(user)
        .order_by()
        .aggregate(**{name: Count("pk", filter=spec["filter"]) for name, spec in _filters(today).items()})
    )


def action_url_maker():
    """Addresses of many actions' pages from a single reverse(): pk -> URL."""
    pattern = reverse("actions:detail", kwargs={"pk": 987654321})
    return lambda pk: pattern.replace("987654321", str(pk))


def _rows(actions, *, next_url: str = "") -> list[Action]:
    """Each action with the addresses its row links to, worked out once."""
    detail, checklist_url = action_url_maker(), checklist_url_maker("checklists:detail")
    # The list itself is where closing an action leads anyway.
    suffix = f"?{urlencode({'next': next_url})}" if next_url and next_url != reverse("actions:list") else ""
    rows = list(actions)
    for action in rows:
        action.url = detail(action.pk) + suffix
        action.checklist_url = checklist_url(action.checklist_id)
    return rows


def _owned(user):
    return Action.objects.owned_by(user).select_related("checklist").only(*ROW_FIELDS)


@never_cache
@login_required
@require_GET
def action_list(request):
    """The person's own actions, open ones by default, with filters and pagination."""
    show = request.GET.get("show", "open")
    if show not in FILTERS:
        show = "open"
    today = timezone.localdate()
    filters = _filters(today)
    counts = counts_for(request.user, today)
    listed = _owned(request.user).filter(filters[show]["filter"]).order_by(*filters[show]["order"])
    paginator = Paginator(listed, PAGE_SIZE)
    paginator.count = counts[show]  # counted with the others above: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    query = urlencode({"show": show}) if show != "open" else ""
    here = reverse("actions:list") + (f"?{query}" if query else "")
    if page.number > 1:
        here += f"{'&' if query else '?'}page={page.number}"
    title = f"Your actions: {FILTERS[show]['label'].lower()}"
    if page.number > 1:
        title += f" (page {page.number} of {paginator.num_pages})"
    links = [
        {
            "label": spec["label"],
            "count": counts[name],
            "url": reverse("actions:list") + ("" if name == "open" else f"?{urlencode({'show': name})}"),
            "current": name == show,
        }
        for name, spec in FILTERS.items()
    ]
    context = {
        "page_title": title,
        "breadcrumbs": [("Home", reverse("home")), ("Your actions", None)],
        "show": show,
        "show_label": FILTERS[show]["label"],
        "links": links,
        "counts": counts,
        "page": page,
        "rows": _rows(page.object_list, next_url=here),
        "pagination": pagination(page, query=query, label="Pages of actions"),
    }
    return render(request, "actions/list.html", context)


def home_summary(user) -> dict:
    """The home page's "Your actions": up to five open ones, soonest due first, in at most two queries."""
    today = timezone.localdate()
    counts = counts_for(user, today)
    rows = []
    if counts["open"]:
        open_actions = _owned(user).filter(status=Action.Status.OPEN).order_by("due_on", "pk")[:OPEN_ON_HOME]
        rows = _rows(open_actions, next_url=reverse("home"))
    return {"action_counts": counts, "open_actions": rows, "actions_url": reverse("actions:list")}


# One action -------------------------------------------------------------------------------------


def _get_action_for_user(request, pk) -> Action:
    """The person's own action, or 404: nobody else's is ever shown, whatever their role."""
    actions = Action.objects.owned_by(request.user).select_related("checklist", "carried_from__checklist")
    return get_object_or_404(actions, pk=pk)


def _safe_next(request, raw: str | None) -> str:
    """A path on this site to go back to, or ""."""
    # A path only: a bare word would be taken for a URL name, and "//host" is another site.
    if (
        raw
        and raw.startswith("/")
        and url_has_allowed_host_and_scheme(raw, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    ):
        return raw
    return ""


def _render_detail(request, action: Action, form=None, *, status=200, next_url="", stale=None, closed_error=""):
    if form is None and action.is_open:
        form = CloseActionForm(action=action, initial={"revision": action.revision, "done_on": timezone.localdate()})
    carried_into = None
    if action.status == Action.Status.CARRIED_FORWARD:
        carried_into = action.carried_into.select_related("checklist").first()
    back = next_url or reverse("actions:list")
    error = bool((form is not None and form.errors) or stale or closed_error)
    context = {
        "page_title": f"{'Error: ' if error else ''}Action due {action.due_on:%-d %B %Y}",
        "breadcrumbs": [("Home", reverse("home")), ("Your actions", reverse("actions:list")), ("Action", None)],
        "action": action,
        "checklist": action.checklist,
        "carried_into": carried_into,
        "form": form if action.is_open else None,
        "next": next_url,
        "back_url": back,
        "stale": stale,
        "closed_error": closed_error,
    }
    return render(request, "actions/detail.html", context, status=status)


@never_cache
@login_required
@require_GET
def action_detail(request, pk):
    action = _get_action_for_user(request, pk)
    return _render_detail(request, action, next_url=_safe_next(request, request.GET.get("next")))


def _already_closed(action: Action) -> str:
    return f"This action is already {action.get_status_display().lower()}"


@never_cache
@login_required
@require_POST
def close(request, pk):
    """Mark an action done or no longer needed; a stale tab or a second close is a 409 that changes nothing."""
    action = _get_action_for_user(request, pk)
    next_url = _safe_next(request, request.POST.get("next"))
    if not action.is_open:
        return _render_detail(request, action, status=409, next_url=next_url, closed_error=_already_closed(action))
    posted = request.POST.copy()
    if posted.get("status") == Action.Status.NOT_NEEDED:
        # The date is only asked for "done": a half-typed one left behind is not an error.
        for part in ("day", "month", "year"):
            posted.pop(f"done_on.{part}", None)
    form = CloseActionForm(posted, action=action)
    if not form.is_valid():
        return _render_detail(request, action, form, status=400, next_url=next_url)
    data = form.cleaned_data
    try:
        closed = services.close_action(
            action=action,
            status=data["status"],
            note=data["note"],
            on=data["on"],
            base_revision=data["revision"],
            by=request.user,
        )
    except services.StaleAction as conflict:
        fresh = _get_action_for_user(request, conflict.action.pk)
        if not fresh.is_open:
            return _render_detail(request, fresh, status=409, next_url=next_url, closed_error=_already_closed(fresh))
        # Their choice stays in the form, now based on the saved revision, for them to send again.
        posted["revision"] = fresh.revision
        form = CloseActionForm(posted, action=fresh)
        form.is_valid()
        return _render_detail(request, fresh, form, status=409, next_url=next_url, stale=fresh)
    except services.ActionError as error:
        form.add_error(None, str(error))
        return _render_detail(request, action, form, status=400, next_url=next_url)
    if closed.status == Action.Status.DONE:
        messages.success(request, f"Action marked as done on {closed.closed_on:%-d %B %Y}.")
    else:
        messages.success(request, "Action marked as no longer needed.")
    return HttpResponseRedirect(next_url or reverse("actions:list"))
