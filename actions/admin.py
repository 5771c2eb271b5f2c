"""Actions in admin: casework, like their checklists, so superusers may read them and nobody may change them."""

from django.contrib import admin

from checklists import services
from checklists.admin import SuperuserReadOnlyMixin

from .models import Action


@admin.register(Action)
class ActionAdmin(SuperuserReadOnlyMixin, admin.ModelAdmin):
    # Never count the whole table twice ("N of M selected").
    show_full_result_count = False
    list_per_page = 25
    # What an action says, and its checklist's case, are shown only on its own page, where a look is recorded.
    list_display = ("__str__", "checklist_id", "owner", "due_on", "status", "updated_at")
    list_filter = ("status", "owner")
    readonly_fields = [field.name for field in Action._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("checklist", "question", "carried_from")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Reading an action here is a look at its checklist: it goes on that checklist's timeline."""
        response = super().change_view(request, object_id, form_url, extra_context)
        action = self.get_object(request, object_id) if response.status_code == 200 else None
        if action is not None:
            services.record_view(checklist=action.checklist, by=request.user, detail="An action, in admin")
        return response
