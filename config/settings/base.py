"""Settings shared by every environment. Values come from the environment via config.settings.env."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "insecure-local-only-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "config.admin_site.PracticeHubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_forms_gds",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "guidance",
    "casestudies",
    "checklists",
    "actions",
    "supervision",
    "insight",
    "jobs",
    "sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    # A staff password sign-in reaches nothing else until its second factor is given.
    "accounts.two_factor.SecondFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Every request runs in one transaction, so a failed write never leaves half a change.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Overlapping requests (two answers autosaved at once) queue for SQLite's write lock when their
    # transaction begins; a deferred transaction would fail with "database is locked" instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if IS_POSTGRES:
    # PostgreSQL's default random_page_cost (4) models spinning disks; 1.1 models the SSDs that
    # PostgreSQL hosts run on. With 4, a checklist whose timeline grew since the last ANALYZE is
    # planned as if it had a handful of events, and every look reads and sorts all of them instead
    # of the newest page off event_timeline. An `options` in DATABASE_URL's query string wins.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options.setdefault("options", "-c random_page_cost=1.1")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in with the organisation's identity provider; it answers only the OpenID Connect callback.
    "sso.backends.ProviderBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Sessions: an inactivity timeout and an absolute lifetime, both enforced by
# accounts.middleware.SessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=2) * 60
SESSION_ABSOLUTE_LIFETIME = env_int("SESSION_ABSOLUTE_LIFETIME_HOURS", 10, minimum=1) * 3600
SESSION_WARNING_BEFORE = env_int("SESSION_WARNING_SECONDS", 120, minimum=10)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Flash messages can name a case; keep them server-side, never in a (signed, readable) cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "practicehub",
        }
    }
    # Read from Redis, written through to the database, so a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Login throttling: five failures for one username from one address lock it out.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
AXES_VERBOSE = False
# Wrong second-factor codes count as failed sign-ins; keep the codes out of axes' records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]

# Password sign-in (accounts/passwords.py): "all", "staff" (staff and superusers only) or "none".
# OpenID Connect is configured when OIDC_RP_CLIENT_ID is set; then passwords are for staff by default.
_OIDC_CONFIGURED = bool(env_str("OIDC_RP_CLIENT_ID", ""))
PASSWORD_SIGN_IN = env_choice("PASSWORD_SIGN_IN", "staff" if _OIDC_CONFIGURED else "all", ("all", "staff", "none"))
if PASSWORD_SIGN_IN == "none" and not _OIDC_CONFIGURED:
    raise ImproperlyConfigured("PASSWORD_SIGN_IN=none needs OpenID Connect (OIDC_RP_CLIENT_ID): nobody could sign in.")
PASSWORD_RESET_BY_EMAIL = env_bool("PASSWORD_RESET_BY_EMAIL", True)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_LINK_MINUTES", 60, minimum=5) * 60
# Two-factor (accounts/two_factor.py): staff and superusers who sign in with a password give a code
# from an authenticator app, or a backup code. Production turns it on.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
OTP_TOTP_ISSUER = "Practice Hub"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# django-otp's back-off per device (1, 2, 4… seconds after each wrong code), which no new address
# or password sign-in resets; axes' lockout counts the same wrong codes per username and address.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Security headers. Scripts need the per-request nonce; nothing inline without it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Sign-in with the organisation's work account (OpenID Connect, sso/). Off unless OIDC_ISSUER is set;
# the endpoints come from the issuer's discovery document when someone signs in, never at start-up.
OIDC_ISSUER = env_str("OIDC_ISSUER", "")
OIDC_ENABLED = bool(OIDC_ISSUER)
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
# A person the provider knows but Practice Hub doesn't: "refuse", or "create" an account with no team.
OIDC_UNKNOWN_USERS = env_choice("OIDC_UNKNOWN_USERS", "refuse", ("refuse", "create"))
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
if OIDC_ENABLED:
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured("OIDC_ISSUER needs OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET too.")
    if "openid" not in OIDC_RP_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_RP_SCOPES must include openid, not {OIDC_RP_SCOPES!r}.")
    if not OIDC_ISSUER.startswith(("https://", "http://")):
        raise ImproperlyConfigured(f"OIDC_ISSUER must be the provider's issuer URL, not {OIDC_ISSUER!r}.")
    # Sign-out is a form post that the provider's end-session endpoint finishes.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(OIDC_ISSUER.split("/")[:3]))
elif OIDC_RP_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_RP_CLIENT_ID is set but OIDC_ISSUER is not.")

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
# A hung mail server fails the attempt, which is retried, rather than holding a worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT_SECONDS", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Practice Hub <no-reply@practicehub.invalid>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Workflow settings.
NOTIFY_ON_SUBMIT = env_bool("NOTIFY_ON_SUBMIT", True)
NOTIFY_ON_RETURN = env_bool("NOTIFY_ON_RETURN", True)
NOTIFY_ON_SIGN_OFF = env_bool("NOTIFY_ON_SIGN_OFF", True)
REVIEW_OVERDUE_WORKING_DAYS = env_int("REVIEW_OVERDUE_WORKING_DAYS", 5, minimum=1)
CHECKLIST_RETENTION_DAYS = env_int("CHECKLIST_RETENTION_DAYS", 365 * 2, minimum=1)
GUIDANCE_CACHE_SECONDS = env_int("GUIDANCE_CACHE_SECONDS", 600)

# Background work: tasks are rows in this database, run by `manage.py worker` (see the README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task that fails for a passing reason (the mail server is down) is retried with doubling waits,
# up to the maximum, until this long after it was enqueued; then it stays failed in admin.
TASK_RETRY_FOR_HOURS = env_int("TASK_RETRY_FOR_HOURS", 24, minimum=24)
TASK_RETRY_BASE_SECONDS = env_int("TASK_RETRY_BASE_SECONDS", 30, minimum=1)
TASK_RETRY_MAX_DELAY_SECONDS = env_int("TASK_RETRY_MAX_DELAY_SECONDS", 15 * 60, minimum=1)
# A task still running after this long belonged to a worker that died, and is run again.
TASK_STALLED_AFTER_SECONDS = env_int("TASK_STALLED_AFTER_SECONDS", 15 * 60, minimum=1)
TASK_RESULTS_KEPT_DAYS = env_int("TASK_RESULTS_KEPT_DAYS", 14, minimum=1)
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 30, minimum=1)
# Cron times are local (Europe/London). A run missed by more than its grace is skipped, not run late.
SCHEDULED_JOBS = [
    {
        "name": "purge_checklists",
        "cron": "30 2 * * *",
        "task": "checklists.tasks.purge_checklists",
        "grace_minutes": 720,
    },
    {"name": "clear_sessions", "cron": "0 3 * * *", "task": "accounts.tasks.clear_sessions", "grace_minutes": 720},
    {"name": "prune_tasks", "cron": "30 3 * * *", "task": "jobs.tasks.prune_finished", "grace_minutes": 720},
    {
        "name": "overdue_digest",
        "cron": "30 7 * * 1-5",
        "task": "supervision.tasks.send_overdue_digests",
        "grace_minutes": 180,
    },
    {"name": "actions_due", "cron": "0 7 * * *", "task": "actions.tasks.send_due_today", "grace_minutes": 180},
    {
        "name": "actions_overdue",
        "cron": "45 7 * * 1",
        "task": "actions.tasks.send_overdue_actions",
        "grace_minutes": 180,
    },
]

# Logs go to stdout. Only the request line and status are logged, never bodies or query strings
# beyond what Django itself records for errors (which never include POST data at this level).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_body": {"()": "config.logging.StripRequestFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["no_request_body"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        "axes": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}

# The benchmark (bench/run.sh) reads an X-DB-Queries header on every response; off otherwise.
if env_bool("BENCH_COUNT_QUERIES", False):
    MIDDLEWARE.insert(0, "bench.middleware.QueryCountMiddleware")
