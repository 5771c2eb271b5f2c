"""A case's reflections over time: the author's checklists with the same case reference, and their actions.

The case is named by one of its checklists, never by its case reference, which must not appear in
an address. Who sees which checklists is `visible_to`, as everywhere: the author sees all of them,
a supervisor only those of their teams that have been submitted, and anyone else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from checklists import services
from checklists.access import get_checklist_for_user
from checklists.models import Checklist
from config.pagination import pagination

from .models import Action

PAGE_SIZE = 20


def reflections_on_case(user, checklist: Checklist):
    """The checklists about this checklist's case that the person may see, newest first."""
    return Checklist.objects.visible_to(user).same_case_as(checklist).order_by("-created_at", "-pk")


@never_cache
@login_required
@require_GET
def case(request, pk):
    checklist = get_checklist_for_user(request, pk)
    services.record_view(checklist=checklist, by=request.user, detail="Case page")
    reflections = reflections_on_case(request.user, checklist).select_related("template")
    page = Paginator(reflections, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    by_checklist = {row.pk: [] for row in rows}
    for action in Action.objects.filter(checklist__in=list(by_checklist)).order_by("due_on", "id"):
        by_checklist[action.checklist_id].append(action)
    for row in rows:
        row.case_actions = by_checklist[row.pk]
    is_author = checklist.author_id == request.user.pk
    return render(
        request,
        "actions/case.html",
        {
            "checklist": checklist,
            "rows": rows,
            "page": page,
            "pagination": pagination(page, label="Pages of reflections"),
            "is_author": is_author,
        },
    )
