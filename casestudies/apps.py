from django.apps import AppConfig


class CasestudiesConfig(AppConfig):
    name = "casestudies"
    verbose_name = "Case studies"

    def ready(self):
        # Guidance's pages and search include case studies without importing this app.
        from .related import register_panels
        from .search import register_sources

        register_panels()
        register_sources()
