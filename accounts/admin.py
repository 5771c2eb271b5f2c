from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Membership, Team, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active", "last_login"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            "Practice lead",
            {
                "fields": ["led_teams"],
                "description": "A practice lead sees aggregate insight, never a checklist, for the teams given here. "
                "Add them to the “Practice leads” group too.",
            },
        ),
    ]
    autocomplete_fields = ["led_teams"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "memberships__role", "memberships__team"]


class TeamMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamMembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role"]
    list_filter = ["role", "team"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team__name"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team"]
