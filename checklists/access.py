"""The one way a view loads a checklist, built on `Checklist.objects.visible_to`.

A checklist the person may not see is a 404, so its existence is never leaked. One they may see
but not act on (a supervisor editing an answer, an author reviewing their own) is a 403.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Checklist


class OwnChecklist(PermissionDenied):
    """The person asked to review a checklist they wrote."""

    def __init__(self, checklist: Checklist):
        super().__init__("You cannot review your own checklist.")
        self.checklist = checklist


def get_checklist_for_user(request, pk, *, edit: bool = False) -> Checklist:
    """A checklist the person may see, or 404; with `edit`, only its author may have it (403)."""
    checklists = Checklist.objects.select_related("template", "author", "team")
    if not edit:
        return get_object_or_404(checklists.visible_to(request.user), pk=pk)
    # Authors see their own checklists whatever their role, so this needs no role check.
    checklist = checklists.authored_by(request.user).filter(pk=pk).first()
    if checklist is None:
        get_object_or_404(Checklist.objects.visible_to(request.user), pk=pk)
        raise PermissionDenied("Only the author can change a checklist.")
    return checklist


def get_checklist_for_review(request, pk) -> Checklist:
    """A checklist the person may review: 404 for anyone else and for drafts, OwnChecklist for their own."""
    checklist = get_object_or_404(
        Checklist.objects.visible_to(request.user)
        .exclude(status=Checklist.Status.DRAFT)
        .select_related("template", "author", "team"),
        pk=pk,
    )
    if checklist.author_id == request.user.pk:
        raise OwnChecklist(checklist)
    return checklist
