"""Scheduled work on accounts."""

from importlib import import_module

from django.conf import settings
from django_tasks import task


@task()
def clear_sessions() -> None:
    """Delete expired sessions from the session store, as `manage.py clearsessions` does."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
