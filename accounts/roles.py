from django.contrib.auth.models import Group, Permission

from .models import CONTENT_EDITORS_GROUP, PRACTICE_LEADS_GROUP

# What content editors curate. Never checklists, answers, comments or events.
EDITOR_MODELS = {
    "guidance": None,  # every model in the app
    "casestudies": None,
    "checklists": {"checklisttemplate", "step", "question", "prompt"},
}


def ensure_content_editors_group() -> Group:
    """Create or update the editors group so it has exactly the content permissions."""
    group, _ = Group.objects.get_or_create(name=CONTENT_EDITORS_GROUP)
    permissions = [
        permission
        for permission in Permission.objects.filter(content_type__app_label__in=EDITOR_MODELS).select_related(
            "content_type"
        )
        if EDITOR_MODELS[permission.content_type.app_label] is None
        or permission.content_type.model in EDITOR_MODELS[permission.content_type.app_label]
    ]
    group.permissions.set(permissions)
    return group


def ensure_practice_leads_group() -> Group:
    """Create the practice leads group. It needs no permissions: leads read insight, not admin."""
    group, _ = Group.objects.get_or_create(name=PRACTICE_LEADS_GROUP)
    return group
