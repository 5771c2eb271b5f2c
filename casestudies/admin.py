from django.contrib import admin

from guidance.amendments import AmendmentAdminMixin

from .models import CaseStudy, LearningPoint


class LearningPointInline(admin.StackedInline):
    model = LearningPoint
    extra = 0
    fields = ["key", "order", "text", "theme"]
    ordering = ["order", "id"]


@admin.register(CaseStudy)
class CaseStudyAdmin(AmendmentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "partnership", "review_type", "published", "knowledge_bite"]
    list_filter = ["knowledge_bite", "review_type", "themes"]
    list_select_related = ["knowledge_bite"]
    search_fields = ["title", "partnership", "summary", "what_cafcass_knew", "what_happened"]
    ordering = ["order", "title"]
    date_hierarchy = "published"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    fieldsets = [
        (None, {"fields": ["knowledge_bite", "title", "slug", "order"]}),
        ("The review", {"fields": ["partnership", "review_type", "published", "sources"]}),
        ("The case", {"fields": ["summary", "what_cafcass_knew", "what_happened", "learning_intro", "themes"]}),
    ]
    inlines = [LearningPointInline]


@admin.register(LearningPoint)
class LearningPointAdmin(AmendmentAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "case_study", "theme", "order"]
    list_filter = ["case_study", "theme"]
    list_select_related = ["case_study", "theme"]
    search_fields = ["text", "key"]
    ordering = ["case_study", "order"]
    fields = ["case_study", "key", "order", "text", "theme"]

    def amendment_subject(self, obj):
        # A learning point is part of its case study: readers are told the case study changed.
        return obj.case_study
