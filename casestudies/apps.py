from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = "Case studies"

    def ready(self):
        # Guidance's pages and search include case studies without importing this app.
        from guidance.cache import bump_version_on_change
        from guidance.loader import FilePart, register_part

        from .loader import load_case_studies, validate_case_studies
        from .models import CaseStudy, LearningPoint
        from .related import register_panels
        from .search import register_sources

        register_panels()
        register_sources()
        register_part(FilePart(key="case_studies", validate=validate_case_studies, load=load_case_studies))
        # Case studies show on cached guidance pages, so writing one retires those pages.
        bump_version_on_change(CaseStudy, LearningPoint, CaseStudy.themes.through)
