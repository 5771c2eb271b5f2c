"""Work-account links and group mappings: superusers only, since either one decides who gets in."""

from django.contrib import admin

from .models import GroupMapping, Identity


class SuperusersOnly:
    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._superuser(request)


@admin.register(Identity)
class IdentityAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "created_at", "last_sign_in_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "subject"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "last_sign_in_at"]


@admin.register(GroupMapping)
class GroupMappingAdmin(SuperusersOnly, admin.ModelAdmin):
    list_display = ["group_id", "description", "team", "role"]
    list_filter = ["role", "team"]
    list_select_related = ["team"]
    search_fields = ["group_id", "description", "team__name"]
    autocomplete_fields = ["team"]
