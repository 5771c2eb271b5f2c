from django.shortcuts import get_object_or_404, render

from .models import Checklist


def home(request):
    """Each role's starting point."""
    user = request.user
    context = {
        "returned_count": Checklist.objects.filter(author=user, status=Checklist.Status.RETURNED).count(),
        "draft_count": Checklist.objects.filter(author=user, status=Checklist.Status.DRAFT).count(),
        "awaiting_review_count": (
            Checklist.objects.supervised_by(user).awaiting_review().count() if user.is_supervisor else 0
        ),
    }
    return render(request, "home.html", context)


def checklist_list(request):
    checklists = Checklist.objects.filter(author=request.user).select_related("template")
    return render(request, "checklists/list.html", {"checklists": checklists})


def get_checklist_for_user(request, pk) -> Checklist:
    """Load a checklist the person may see, or 404: existence is never leaked."""
    return get_object_or_404(Checklist.objects.visible_to(request.user).select_related("template", "author"), pk=pk)


def checklist_detail(request, pk):
    checklist = get_checklist_for_user(request, pk)
    return render(request, "checklists/detail.html", {"checklist": checklist})
