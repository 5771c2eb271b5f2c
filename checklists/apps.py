from django.apps import AppConfig


class ChecklistsConfig(AppConfig):
    name = "checklists"
    verbose_name = "Reflective checklists"

    def ready(self) -> None:
        # The audit trail: runs after admin autodiscovery and after auditlog's own set-up.
        from . import audit, audit_admin

        audit.register_audited_models()
        audit_admin.register()
