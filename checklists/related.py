"""The "Reflective checklists" panel on guidance's theme and Knowledge Bite pages (registered in AppConfig.ready)."""

from guidance import related

from .models import ChecklistTemplate


def _published():
    # In the order editors give them (ChecklistTemplate.Meta.ordering).
    return ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)


def checklists_for_theme(theme, user=None) -> list[ChecklistTemplate]:
    """Published checklists with a step that links to one of the theme's practice points."""
    return list(_published().filter(steps__practice_points__theme=theme).distinct())


def checklists_for_bite(bite, user=None) -> list[ChecklistTemplate]:
    return list(_published().filter(steps__practice_points__theme__knowledge_bite=bite).distinct())


def register_panels() -> None:
    related.register(
        related.Panel(
            key="reflective-checklists",
            title="Reflective checklists",
            template_name="checklists/_related_panel.html",
            for_theme=checklists_for_theme,
            for_bite=checklists_for_bite,
            order=20,
        )
    )
