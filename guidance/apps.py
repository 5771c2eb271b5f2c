from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "Guidance"

    def ready(self):
        # Any write to guidance content, from admin, a loader or the shell, retires the cached pages.
        from .cache import bump_version_on_change
        from .models import KeyFact, KnowledgeBite, PracticePoint, Resource, Section, Theme

        bump_version_on_change(KnowledgeBite, Section, Theme, PracticePoint, KeyFact, Resource, Resource.themes.through)
