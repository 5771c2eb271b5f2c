"""The audit trail: django-auditlog for every change to the apps' models, without their sensitive text.

Every model of accounts, guidance, casestudies and checklists is registered, so each change,
in admin or elsewhere, is logged with the person who made it (AuditlogMiddleware sets the actor).
Fields that hold casework or secrets are left out of the logged differences, so the audit log never
becomes a second copy of what the retention purge deletes. Event and PurgeRecord are audit records
themselves and nobody can change them, so logging them again would only double every page view.
"""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.db.models.signals import pre_save

AUDITED_APPS = ("accounts", "guidance", "casestudies", "checklists")
NOT_AUDITED = {"checklists.event", "checklists.purgerecord"}

# Fields whose contents never go into the audit log: answers and comments are casework, the case
# reference and title identify a case, and a password hash is a secret.
EXCLUDED_FIELDS = {
    "accounts.user": ["password", "last_login"],
    "checklists.checklist": ["case_reference", "title"],
    "checklists.answer": ["value", "returned_value"],
    "checklists.comment": ["body"],
}

# Whose log entries name the object by id rather than by str(), which would show the case.
REDACTED_REPR = {"checklists.checklist": "Checklist {pk}"}


def audited_models():
    for label in AUDITED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower not in NOT_AUDITED:
                yield model


def register_audited_models() -> None:
    from auditlog.registry import auditlog

    for model in audited_models():
        meta = model._meta
        exclude = list(EXCLUDED_FIELDS.get(meta.label_lower, []))
        # Search vectors are filled by the database and mean nothing in a diff.
        exclude += [field.name for field in meta.concrete_fields if isinstance(field, SearchVectorField)]
        # Many-to-many links an editor sets in admin (a step's practice points, a user's groups).
        # Links through a model of their own, such as team memberships, are logged as that model.
        m2m = [field.name for field in meta.many_to_many if field.remote_field.through._meta.auto_created]
        auditlog.unregister(model)
        auditlog.register(model, exclude_fields=exclude, m2m_fields=m2m)

    from auditlog.models import LogEntry

    pre_save.connect(redact_object_repr, sender=LogEntry, dispatch_uid="checklists.audit.redact_object_repr")


def redact_object_repr(sender, instance, **kwargs) -> None:
    """Name a checklist in the audit log by its id: its str() includes the case reference and title."""
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if model is not None and model._meta.label_lower in REDACTED_REPR:
        instance.object_repr = REDACTED_REPR[model._meta.label_lower].format(pk=instance.object_pk)
