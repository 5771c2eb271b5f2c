"""Read-only admin for the audit trail, for superusers only.

Registered from ChecklistsConfig.ready(), after admin autodiscovery, because it replaces the
LogEntry admin that django-auditlog registers: editors are staff, and must not read the log.
"""

from auditlog.admin import LogEntryAdmin as AuditlogLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .admin import SuperuserReadOnlyMixin
from .models import Event, PurgeRecord


class LogEntryAdmin(SuperuserReadOnlyMixin, AuditlogLogEntryAdmin):
    """django-auditlog's own list and detail pages, shown only to superusers and never editable."""


class EventAdmin(SuperuserReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "checklist_id", "actor", "detail")
    list_filter = ("kind",)
    list_select_related = ("actor",)
    search_fields = ("=checklist__id", "actor__username")
    date_hierarchy = "created_at"
    fields = ("checklist_id", "kind", "actor", "detail", "created_at")
    readonly_fields = fields


class PurgeRecordAdmin(SuperuserReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "purged_at",
        "checklist_id",
        "template_slug",
        "template_version",
        "team_name",
        "signed_off_at",
        "answer_count",
        "comment_count",
        "event_count",
    )
    list_filter = ("template_slug", "team_name")
    search_fields = ("=checklist_id",)
    date_hierarchy = "purged_at"
    readonly_fields = [field.name for field in PurgeRecord._meta.fields]


def register(site: admin.AdminSite = admin.site) -> None:
    if site.is_registered(LogEntry):
        site.unregister(LogEntry)
    site.register(LogEntry, LogEntryAdmin)
    site.register(Event, EventAdmin)
    site.register(PurgeRecord, PurgeRecordAdmin)
