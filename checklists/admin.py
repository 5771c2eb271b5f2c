"""Admin for checklist templates, which content editors curate.

A version that checklists use is frozen: its steps, questions and prompts become read-only,
and editors make the next version instead. Checklists themselves are people's casework, never
content: only superusers may look at them here, and nobody can change them.
"""

from django.contrib import admin, messages
from django.db.models import Count
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from . import services
from .models import FROZEN_MESSAGE, Answer, Checklist, ChecklistTemplate, Comment, Event, Prompt, Question, Step
from .timeline import decisions


class FrozenTemplateMixin:
    """Read-only, with no adding or deleting, once the template version is in use."""

    def _template_of(self, obj):
        return obj if isinstance(obj, ChecklistTemplate) else getattr(obj, "template", None)

    def _frozen(self, obj) -> bool:
        template = self._template_of(obj)
        return template is not None and template.is_frozen

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class FrozenInlineMixin(FrozenTemplateMixin):
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._frozen(obj)


def editable_templates():
    return ChecklistTemplate.objects.filter(checklists__isnull=True).distinct()


class StepInline(FrozenInlineMixin, admin.StackedInline):
    model = Step
    extra = 0
    fields = ("number", "title", "intro", "practice_points", "key_facts", "learning_points")
    filter_horizontal = ("practice_points", "key_facts", "learning_points")
    show_change_link = True


class QuestionSummaryInline(admin.TabularInline):
    """The template's questions at a glance; each is edited on its own page."""

    model = Question
    extra = 0
    fields = ("step", "order", "key", "text", "kind", "required", "collects_actions")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = "questions (edit each one on its own page)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step")


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(FrozenTemplateMixin, admin.ModelAdmin):
    list_display = ("title", "slug", "version", "status", "position", "published_at", "checklist_count")
    list_editable = ("position",)
    list_filter = ("status", "slug")
    search_fields = ("title", "slug")
    ordering = ("position", "title", "-version")
    inlines = [StepInline, QuestionSummaryInline]
    actions = ["make_next_version", "publish", "retire"]
    fields = ("slug", "version", "title", "summary", "position", "status", "published_at", "usage")
    change_list_template = "admin/checklists/checklisttemplate/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(checklist_total=Count("checklists"))

    @admin.display(description="Checklists", ordering="checklist_total")
    def checklist_count(self, obj):
        return obj.checklist_total

    @admin.display(description="Use")
    def usage(self, obj):
        if obj is None or obj.pk is None:
            return "Not used yet."
        count = obj.checklists.count()
        if not count:
            return "Not used yet, so it can still be changed."
        return f"Used by {count} checklist{'s' if count != 1 else ''}. {FROZEN_MESSAGE}"

    def has_change_permission(self, request, obj=None):
        # A version in use keeps its wording (read-only fields and inlines), but may still move in lists.
        return super(FrozenTemplateMixin, self).has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # Status changes only through the actions, which keep one published version per checklist.
        always = ("status", "published_at", "usage")
        if obj is not None and obj.is_frozen:
            return ("slug", "version", "title", "summary", *always)
        return always

    @admin.action(description="Create the next version (a draft copy)", permissions=["add"])
    def make_next_version(self, request, queryset):
        for template in queryset:
            copy = services.create_next_version(template=template)
            url = reverse("admin:checklists_checklisttemplate_change", args=[copy.pk])
            self.message_user(
                request,
                format_html('Created <a href="{}">{}</a> as a draft. Edit it, then publish it.', url, copy),
                messages.SUCCESS,
            )

    @admin.action(description="Publish (and retire the version it replaces)", permissions=["change"])
    def publish(self, request, queryset):
        slugs = list(queryset.values_list("slug", flat=True))
        if len(slugs) != len(set(slugs)):
            self.message_user(request, "Choose only one version of each checklist to publish.", messages.ERROR)
            return
        for template in queryset:
            try:
                retired = services.publish_template(template=template)
            except services.ChecklistError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            note = f" Version {retired.version} is now retired." if retired else ""
            self.message_user(request, f"Published {template}.{note}", messages.SUCCESS)

    @admin.action(description="Retire (FCAs can no longer start it)", permissions=["change"])
    def retire(self, request, queryset):
        for template in queryset.filter(status=ChecklistTemplate.Status.PUBLISHED):
            services.retire_template(template=template)
            self.message_user(request, f"Retired {template}. Checklists already started from it carry on.")


class TemplateChoiceMixin:
    """Offer only templates, steps and questions that can still change."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        templates = editable_templates()
        if db_field.name == "template":
            kwargs["queryset"] = templates
        elif db_field.name in ("step", "show_on_step"):
            kwargs["queryset"] = Step.objects.filter(template__in=templates).select_related("template")
        elif db_field.name == "question":
            kwargs["queryset"] = Question.objects.filter(template__in=templates).select_related("template")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Step)
class StepAdmin(FrozenTemplateMixin, TemplateChoiceMixin, admin.ModelAdmin):
    list_display = ("__str__", "template")
    list_filter = ("template",)
    search_fields = ("title",)
    fields = ("template", "number", "title", "intro", "practice_points", "key_facts", "learning_points")
    filter_horizontal = ("practice_points", "key_facts", "learning_points")
    list_select_related = ("template",)


@admin.register(Question)
class QuestionAdmin(FrozenTemplateMixin, TemplateChoiceMixin, admin.ModelAdmin):
    list_display = ("text", "key", "step", "kind", "required", "collects_actions", "template")
    list_filter = ("template", "kind", "required", "collects_actions")
    search_fields = ("text", "key")
    fields = (
        "template",
        "step",
        "order",
        "key",
        "text",
        "help_text",
        "kind",
        "choices",
        "required",
        "max_length",
        "collects_actions",
    )
    list_select_related = ("template", "step")


@admin.register(Prompt)
class PromptAdmin(FrozenTemplateMixin, TemplateChoiceMixin, admin.ModelAdmin):
    list_display = ("title", "key", "show_on_step", "question", "template")
    list_filter = ("template",)
    search_fields = ("title", "key", "body")
    fields = (
        "template",
        "key",
        "show_on_step",
        "title",
        "body",
        "key_fact",
        "practice_point",
        "question",
        "any_of",
        "min_matches",
    )
    list_select_related = ("template", "show_on_step", "question")


class SuperuserReadOnlyPermissions:
    """Casework, not content: superusers may look, nobody may change anything here."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserReadOnlyMixin(SuperuserReadOnlyPermissions):
    """To anyone but a superuser, every page here is a 404, as a checklist is to a stranger elsewhere.

    Django's admin would answer 403 for a record that exists and redirect for one that doesn't,
    which would tell which ids are real.
    """

    def _only_superusers(self, request) -> None:
        if not (request.user.is_active and request.user.is_superuser):
            raise Http404

    def changelist_view(self, request, extra_context=None):
        self._only_superusers(request)
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        self._only_superusers(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._only_superusers(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._only_superusers(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._only_superusers(request)
        return super().history_view(request, object_id, extra_context)


class AnswerInline(SuperuserReadOnlyPermissions, admin.TabularInline):
    model = Answer
    extra = 0
    fields = ("question", "value", "revision", "updated_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question__step")


class CommentInline(SuperuserReadOnlyPermissions, admin.TabularInline):
    model = Comment
    extra = 0
    fields = ("kind_label", "step", "author", "body", "created_at")
    readonly_fields = fields

    @admin.display(description="Kind")
    def kind_label(self, obj):
        return obj.label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("step", "author")


class EventInline(SuperuserReadOnlyPermissions, admin.TabularInline):
    model = Event
    extra = 0
    fields = ("kind", "actor", "detail", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Checklist)
class ChecklistAdmin(SuperuserReadOnlyMixin, admin.ModelAdmin):
    # Never count the whole table twice ("N of M selected").
    show_full_result_count = False
    list_per_page = 25
    list_display = ("case_reference", "template", "author", "team", "status", "updated_at")
    list_filter = ("status", "team")
    search_fields = ("case_reference",)
    list_select_related = ("template", "author", "team")
    # Every field, read-only, with who decided after the sign-off date.
    readonly_fields = [field.name for field in Checklist._meta.fields]
    readonly_fields.insert(readonly_fields.index("signed_off_at") + 1, "decided_by")
    inlines = [AnswerInline, CommentInline, EventInline]

    @admin.display(description="Decided by")
    def decided_by(self, obj):
        """Who returned it (the latest time) and who signed it off, as its author's page says."""
        made = []
        for decision in decisions(obj):
            by = f" by {decision['by']}" if decision["by"] else ""
            made.append(f"{decision['label']}{by} on {timezone.localtime(decision['on']):%-d %B %Y}.")
        return " ".join(made) or "Not returned or signed off."

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Reading a checklist here is an access like any other: it goes on its timeline."""
        response = super().change_view(request, object_id, form_url, extra_context)
        checklist = self.get_object(request, object_id) if response.status_code == 200 else None
        if checklist is not None:
            services.record_view(checklist=checklist, by=request.user, detail="In admin")
        return response
