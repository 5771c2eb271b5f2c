from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = "Guidance"

    def ready(self):
        # Any write to guidance content, from admin, a loader or the shell, retires the cached pages.
        from .cache import bump_version_on_change
        from .loader import FilePart, load_search_synonyms, register_part, validate_search_synonyms
        from .models import Amendment, KeyFact, KnowledgeBite, PracticePoint, Resource, Section, Theme
        from .search import rebuild_index_after_migrate

        bump_version_on_change(
            KnowledgeBite, Section, Theme, PracticePoint, KeyFact, Resource, Resource.themes.through, Amendment
        )
        register_part(FilePart(key="search_synonyms", validate=validate_search_synonyms, load=load_search_synonyms))
        # SQLite's search index is kept in step by signals; a migrate or a flush sends none, so rebuild it then.
        post_migrate.connect(rebuild_index_after_migrate, sender=self, dispatch_uid="guidance.search:rebuild")
