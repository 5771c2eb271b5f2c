"""The task queue in admin, for superusers only: what waits, what failed, and a way to retry it."""

from django.contrib import admin, messages
from django.utils.translation import ngettext
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .models import Claim
from .retries import retry_now
from .status import queue_status


class SuperusersOnly:
    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskAdmin(SuperusersOnly, DBTaskResultAdmin):
    list_display = ("task_name", "status", "attempts", "enqueued_at", "run_after_display", "finished_at", "queue_name")
    list_filter = ("status", "queue_name")
    actions = ["retry"]
    change_list_template = "admin/jobs/task_change_list.html"

    @admin.display(description="attempts")
    def attempts(self, obj: DBTaskResult) -> int:
        return len(obj.worker_ids)

    @admin.display(description="next attempt after")
    def run_after_display(self, obj: DBTaskResult):
        return self.display_run_after(obj)

    @admin.action(description="Retry the selected failed tasks now")
    def retry(self, request, queryset) -> None:
        count = retry_now(queryset)
        if count:
            message = ngettext("%d failed task is back on the queue.", "%d failed tasks are back on the queue.", count)
            self.message_user(request, message % count, messages.SUCCESS)
        else:
            self.message_user(request, "Only failed tasks can be retried; none was selected.", messages.WARNING)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "queue": queue_status()}
        return super().changelist_view(request, extra_context)


@admin.register(Claim)
class ClaimAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
