from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.html import format_html

from .amendments import AmendmentAdminMixin
from .cache import bump_version
from .models import Amendment, KeyFact, KnowledgeBite, PracticePoint, Resource, SearchSynonym, Section, Theme


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["title", "slug", "order", "body"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["order", "id"]
    show_change_link = True


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["number", "title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["number"]
    show_change_link = True


@admin.register(KnowledgeBite)
class KnowledgeBiteAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "source_published", "last_reviewed", "review_due", "theme_count"]
    list_filter = ["status", "review_due"]
    search_fields = ["title", "source_report", "summary"]
    ordering = ["-source_published", "title"]
    date_hierarchy = "source_published"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline, ThemeInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "summary"]}),
        ("Source", {"fields": ["source_report", "source_published", "created"]}),
        ("Review", {"fields": ["last_reviewed", "review_due"]}),
        ("Foreword", {"fields": ["foreword_quote", "foreword_attribution"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(theme_total=Count("themes"))

    @admin.display(description="Themes", ordering="theme_total")
    def theme_count(self, bite):
        return bite.theme_total

    @admin.action(description="Publish the selected Knowledge Bites (FCAs will see them)")
    def publish(self, request, queryset):
        count = queryset.update(status=KnowledgeBite.Status.PUBLISHED)
        bump_version()  # update() sends no signals
        self.message_user(request, f"{count} Knowledge Bite{'s' if count != 1 else ''} published.", messages.SUCCESS)

    @admin.action(description="Return the selected Knowledge Bites to draft (hidden from FCAs)")
    def unpublish(self, request, queryset):
        count = queryset.update(status=KnowledgeBite.Status.DRAFT)
        bump_version()  # update() sends no signals
        self.message_user(request, f"{count} Knowledge Bite{'s' if count != 1 else ''} returned to draft.")


class PracticePointInline(admin.StackedInline):
    model = PracticePoint
    extra = 0
    fields = ["title", "key", "order", "body"]
    prepopulated_fields = {"key": ["title"]}
    ordering = ["order", "id"]


@admin.register(Theme)
class ThemeAdmin(AmendmentAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "knowledge_bite", "practice_point_count"]
    list_filter = ["knowledge_bite"]
    list_select_related = ["knowledge_bite"]
    search_fields = ["title", "summary", "key_messages", "why_it_matters"]
    ordering = ["knowledge_bite", "number"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["knowledge_bite", "number", "title", "slug", "summary", "key_messages", "why_it_matters"]
    inlines = [PracticePointInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(point_total=Count("practice_points"))

    @admin.display(description="Practice points", ordering="point_total")
    def practice_point_count(self, theme):
        return theme.point_total


@admin.register(PracticePoint)
class PracticePointAdmin(AmendmentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "theme", "key", "order"]
    list_filter = ["theme__knowledge_bite", "theme"]
    list_select_related = ["theme"]
    search_fields = ["title", "body", "key"]
    ordering = ["theme__knowledge_bite", "theme__number", "order"]
    prepopulated_fields = {"key": ["title"]}
    fields = ["theme", "title", "key", "order", "body"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "knowledge_bite", "order"]
    list_filter = ["knowledge_bite"]
    list_select_related = ["knowledge_bite"]
    search_fields = ["title", "body"]
    ordering = ["knowledge_bite", "order"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["knowledge_bite", "title", "slug", "order", "body"]


@admin.register(KeyFact)
class KeyFactAdmin(AmendmentAdminMixin, admin.ModelAdmin):
    list_display = ["label", "display_value", "group", "knowledge_bite", "theme", "section"]
    list_filter = ["knowledge_bite", "group", "theme", "unit"]
    list_select_related = ["knowledge_bite", "theme", "section"]
    search_fields = ["label", "group", "note", "key"]
    ordering = ["knowledge_bite", "order"]
    prepopulated_fields = {"key": ["label"]}
    fields = ["knowledge_bite", "group", "order", "label", "key", "value", "unit", "note", "theme", "section"]

    @admin.display(description="Figure")
    def display_value(self, fact):
        return fact.display_value


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "availability", "link", "knowledge_bite"]
    list_filter = ["kind", "availability", "knowledge_bite", "themes"]
    list_select_related = ["knowledge_bite"]
    search_fields = ["title", "description", "url"]
    ordering = ["order", "title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    fields = ["knowledge_bite", "title", "slug", "kind", "availability", "url", "description", "themes", "order"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Shown as a link")
    def link(self, resource):
        if resource.is_link:
            return format_html('<a href="{}" rel="noopener noreferrer">Yes</a>', resource.url)
        return "No"


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
    search_fields = ["terms"]
    ordering = ["terms"]
    fields = ["terms"]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    """The record of substantive changes. Saving the guidance makes each one; here a note can be corrected."""

    list_display = ["title", "changed_at", "knowledge_bite", "theme", "changed_by", "note"]
    list_filter = ["knowledge_bite", "theme"]
    list_select_related = ["knowledge_bite", "theme", "changed_by"]
    search_fields = ["title", "note"]
    date_hierarchy = "changed_at"
    ordering = ["-changed_at", "-id"]
    fields = ["title", "note", "changed_at", "changed_by", "knowledge_bite", "theme"]
    readonly_fields = ["title", "changed_at", "changed_by", "knowledge_bite", "theme"]

    def has_add_permission(self, request):
        return False
