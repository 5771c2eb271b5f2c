from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Reflective checklists"

    def ready(self) -> None:
        # The audit trail: runs after admin autodiscovery and after auditlog's own set-up.
        from . import audit, audit_admin
        from .related import register_panels
        from .search import register_sources

        audit.register_audited_models()
        audit_admin.register()
        # Guidance's theme and bite pages list the checklists linked to them without importing this app.
        register_panels()
        # Guidance's search finds checklist templates the same way.
        register_sources()
        # That panel is part of guidance's cached pages: writing a template or its guidance links retires them.
        from guidance.cache import bump_version_on_change

        from .models import ChecklistTemplate, Prompt, Question, Step

        bump_version_on_change(
            ChecklistTemplate,
            Step,
            Question,
            Prompt,
            Step.practice_points.through,
            Step.key_facts.through,
            Step.learning_points.through,
        )
