"""Print, as JSON, what the workforce load needs from the app: URL patterns, bench accounts and themes.

Run from the repository root with the same settings and database as the server under test:

    python bench/workforce_targets.py > workforce-targets.json

URLs come from URL names (django.urls.reverse), turned into patterns such as
"/checklists/{pk}/steps/{number}/", so the load never hard-codes a path. The locust process
reads this file instead of importing Django itself.
"""

import json
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import Team, User  # noqa: E402
from actions.models import Action  # noqa: E402
from checklists.management.commands.generate_bench_data import PREFIX  # noqa: E402
from checklists.models import Answer, Checklist  # noqa: E402
from guidance.models import KnowledgeBite, Theme  # noqa: E402

# Values that cannot occur in a real path, reversed and then replaced by the placeholder.
SENTINELS = {
    "pk": "7e57e57e-7e57-4e57-8e57-7e57e57e7e57",
    "number": 987654321,
    "slug": "bench-sentinel-slug",
}
# Workload name: (URL name, its keyword arguments).
URLS = {
    "login": ("login", ()),
    "home": ("home", ()),
    "list": ("checklists:list", ()),
    "start": ("checklists:start", ()),
    "details": ("checklists:details", ("slug",)),
    "resume": ("checklists:resume", ("pk",)),
    "step": ("checklists:step", ("pk", "number")),
    "autosave": ("checklists:autosave", ("pk",)),
    "check": ("checklists:check", ("pk",)),
    "submit": ("checklists:submit", ("pk",)),
    "submitted": ("checklists:submitted", ("pk",)),
    "theme": ("guidance:theme", ("slug",)),
    "search": ("guidance:search", ()),
    "queue": ("supervision:queue", ()),
    "review": ("supervision:review", ("pk",)),
    "comment": ("supervision:comment", ("pk",)),
    "decide": ("supervision:decide", ("pk",)),
    "sign_off": ("supervision:sign_off", ("pk",)),
    "actions": ("actions:list", ()),
}
# Pages of one action, whose id is an integer: "/actions/{id}/".
ACTION_URLS = {"action": "actions:detail", "close_action": "actions:close"}


def pattern(url_name: str, params: tuple[str, ...]) -> str:
    path = reverse(url_name, kwargs={param: SENTINELS[param] for param in params})
    for param in params:
        path = path.replace(str(SENTINELS[param]), "{" + param + "}")
    return path


def action_pattern(url_name: str) -> str:
    sentinel = SENTINELS["number"]
    return reverse(url_name, kwargs={"pk": sentinel}).replace(str(sentinel), "{id}")


def sessions_for(usernames: list[str]) -> dict[str, str]:
    """A signed-in session for each account, made as signing in makes one.

    The sign-in page is not part of the workload: a person signs in once a day, and checking
    2,000 passwords (PBKDF2) would hold the machine for minutes before anything is measured.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    backend = "django.contrib.auth.backends.ModelBackend"
    keys = {}
    for user in User.objects.filter(username__in=usernames).only("pk", "username", "password"):
        session = store()
        session.update(
            {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: user.get_session_auth_hash()}
        )
        session.save()
        keys[user.username] = session.session_key
    return keys


def main() -> None:
    themes = Theme.objects.filter(knowledge_bite__status=KnowledgeBite.Status.PUBLISHED).order_by("number")
    bench = Checklist.objects.filter(author__username__startswith=PREFIX)
    data = {
        "urls": {
            **{name: pattern(url_name, params) for name, (url_name, params) in URLS.items()},
            **{name: action_pattern(url_name) for name, url_name in ACTION_URLS.items()},
        },
        # In username order, so that locust user n is always the same person from run to run.
        "fcas": list(
            User.objects.filter(username__startswith=f"{PREFIX}fca-", is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        ),
        "supervisors": list(
            User.objects.filter(username__startswith=f"{PREFIX}sup-", is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        ),
        "themes": [
            pattern("guidance:theme", ("slug",)).replace("{slug}", slug)
            for slug in themes.values_list("slug", flat=True)
        ],
        "database": {
            "vendor": connection.vendor,
            "name": connection.settings_dict.get("NAME"),
            "teams": Team.objects.filter(slug__startswith=PREFIX).count(),
            "checklists": bench.count(),
            "answers": Answer.objects.filter(checklist__in=bench).count(),
            "submitted": bench.filter(status=Checklist.Status.SUBMITTED).count(),
            "drafts": bench.filter(status=Checklist.Status.DRAFT).count(),
            "actions": Action.objects.filter(checklist__in=bench).count(),
            "open_actions": Action.objects.filter(checklist__in=bench).open().count(),
        },
    }
    data["cookies"] = {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    data["sessions"] = sessions_for(data["fcas"] + data["supervisors"])
    if not data["fcas"] or not data["supervisors"]:
        sys.exit("No bench FCAs or supervisors: run manage.py generate_bench_data first.")
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
