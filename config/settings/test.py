import os
import tempfile

from .base import *  # noqa: F403
from .env import env_str

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the browser tests' live server answers in several threads, and with an
    # in-memory database they would all share one connection (and one transaction). One file per
    # run, so that runs side by side never meet.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"test_practicehub_{os.getpid()}.sqlite3")
    }

if REDIS_URL:  # noqa: F405
    # Production's Redis cache and cached_db sessions, under a prefix of this run's own.
    CACHES["default"]["KEY_PREFIX"] = f"practicehub-test-{os.getpid()}"  # noqa: F405

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A worker started by the reliability tests sends through a real SMTP server instead.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
LOGGING["loggers"]["django"]["level"] = "ERROR"  # noqa: F405
