import os
import tempfile

from .base import *  # noqa: F403

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the browser tests' live server answers in several threads, and with an
    # in-memory database they would all share one connection (and one transaction). One file per
    # run, so that runs side by side never meet.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"test_practicehub_{os.getpid()}.sqlite3")
    }

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
GUIDANCE_CACHE_SECONDS = 0
AUTH_USER_CACHE_SECONDS = 0
CHECKLIST_PAGE_CACHE_SECONDS = 0
PAGE_SHELLS_KEPT = 0
CHECKLIST_PAGES_KEPT = 0
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["django"]["level"] = "ERROR"  # noqa: F405
