from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from .models import Checklist


def queue(request):
    if not request.user.is_supervisor:
        raise PermissionDenied("Only supervisors have a review queue.")
    checklists = Checklist.objects.supervised_by(request.user).awaiting_review().order_by("submitted_at")
    return render(request, "supervision/queue.html", {"checklists": checklists})
