"""Print, as JSON, the concrete requests the benchmark makes, found by URL name in the loaded data.

Run from the repository root with the same settings and database as the server under test:

    python bench/targets.py > targets.json

An endpoint whose URL name does not resolve yet, or that has no data to point at, is listed under
"missing" with the reason, and the benchmark reports it as a MISSING row instead of measuring it.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.urls import NoReverseMatch, get_resolver, reverse  # noqa: E402

from accounts.models import Team, User  # noqa: E402
from checklists.management.commands.generate_bench_data import PREFIX  # noqa: E402
from checklists.models import Answer, Checklist, Question  # noqa: E402
from guidance.models import KnowledgeBite, Theme  # noqa: E402

SLOTS = 32  # distinct (user, checklist, question) combinations, so concurrent autosaves never collide
SEARCH_QUERY = "engagement"
# Where the autosave view may be named; the first that resolves is used.
AUTOSAVE_URL_NAMES = ("checklists:autosave", "checklists:save_answer", "checklists:answer", "checklists:step_autosave")
# The POST fields the autosave view reads (checklists/views.py).
AUTOSAVE_FIELDS = {"question": "question", "value": "value", "revision": "revision"}

# name, label, URL name, role, budget group
ENDPOINTS = [
    ("baseline", "GET /healthz/live (baseline)", "health_live", "anonymous", "baseline"),
    ("theme", "Guidance theme page", "guidance:theme", "fca", "guidance"),
    ("search", "Guidance search", "guidance:search", "fca", "guidance"),
    ("home", "FCA home", "home", "fca", "data"),
    ("my_checklists", "My checklists", "checklists:list", "fca", "data"),
    ("step", "Checklist step page", "checklists:step", "fca", "data"),
    ("autosave", "Autosave POST", None, "fca", "data"),
    ("queue", "Supervisor queue", "supervision:queue", "supervisor", "data"),
    ("review", "Supervisor review page", "supervision:review", "supervisor", "data"),
    ("insight", "Insight, last 12 months (supervisor)", "insight:home", "supervisor", "data"),
    ("admin_changelist", "Admin changelist (checklists)", "admin:checklists_checklist_changelist", "admin", "admin"),
]


class Missing(Exception):
    pass


def url_params(url_name: str) -> list[str]:
    """The keyword arguments a URL name takes, or Missing if the name is not defined."""
    resolver = get_resolver()
    *namespaces, name = url_name.split(":")
    for namespace in namespaces:
        if namespace not in resolver.namespace_dict:
            raise Missing(f"URL name {url_name!r} is not defined yet")
        resolver = resolver.namespace_dict[namespace][1]
    possibilities = resolver.reverse_dict.getlist(name)
    if not possibilities:
        raise Missing(f"URL name {url_name!r} is not defined yet")
    return list(possibilities[0][0][0][1])


def url(url_name: str, **candidates) -> str:
    params = url_params(url_name)
    unknown = [param for param in params if param not in candidates]
    if unknown:
        raise Missing(f"URL name {url_name!r} takes {unknown}, which the benchmark cannot fill")
    try:
        return reverse(url_name, kwargs={param: candidates[param] for param in params})
    except NoReverseMatch as error:
        raise Missing(f"URL name {url_name!r} does not reverse: {error}") from None


def autosave_url_name() -> str:
    for name in AUTOSAVE_URL_NAMES:
        try:
            url_params(name)
        except Missing:
            continue
        return name
    raise Missing(f"no autosave URL yet (looked for {', '.join(AUTOSAVE_URL_NAMES)})")


def fca_slots() -> list[dict]:
    """Drafts of the busiest bench FCAs: their own pages, a step with a text question, and its revision."""
    busiest = (
        User.objects.filter(username__startswith=f"{PREFIX}fca-")
        .annotate(total=Count("checklists"), drafts=Count("checklists", filter=Q(checklists__status="draft")))
        .filter(drafts__gt=0)
        .order_by("-total", "username")
    )
    slots = []
    for user in busiest[:SLOTS]:
        drafts = Checklist.objects.filter(author=user, status=Checklist.Status.DRAFT).order_by("-updated_at")
        for checklist in drafts[:4]:
            # The last step with a text question: prompts there depend on earlier answers.
            question = (
                Question.objects.filter(template_id=checklist.template_id, kind=Question.Kind.LONG_TEXT)
                .select_related("step")
                .order_by("-step__number", "order")
                .first()
            )
            if question is None:
                continue
            answer = Answer.objects.filter(checklist=checklist, question=question).first()
            slots.append(
                {
                    "user": user.username,
                    "checklist": str(checklist.pk),
                    "step": question.step.number,
                    "question": question.pk,
                    "revision": answer.revision if answer else 0,
                }
            )
    # Interleave users so that the first locust users are different people.
    by_user: dict[str, list[dict]] = {}
    for slot in slots:
        by_user.setdefault(slot["user"], []).append(slot)
    interleaved = []
    while any(by_user.values()):
        for queue in by_user.values():
            if queue:
                interleaved.append(queue.pop(0))
    return interleaved[:SLOTS]


def supervisor_slots() -> list[dict]:
    """Bench supervisors whose teams have the longest queues, each with a submitted checklist to review.

    Each supervisor reviews a checklist of their own, as people do: two supervisors of one team on
    the same checklist would pile every look of the run onto one timeline.
    """
    slots = []
    taken = set()
    supervisors = User.objects.filter(username__startswith=f"{PREFIX}sup-").order_by("username")
    for user in supervisors:
        submitted = Checklist.objects.filter(
            team_id__in=user.supervised_team_ids, status=Checklist.Status.SUBMITTED
        ).exclude(author=user)
        queue_length = submitted.count()
        checklist = (
            submitted.exclude(pk__in=taken)
            .annotate(answer_count=Count("answers"))
            .order_by("-answer_count", "submitted_at")
            .first()
        )
        if checklist:
            taken.add(checklist.pk)
            slots.append({"user": user.username, "checklist": str(checklist.pk), "queue": queue_length})
    slots.sort(key=lambda slot: -slot["queue"])
    return slots[:SLOTS]


def build_requests(name: str, url_name: str | None, fcas: list[dict], supervisors: list[dict]) -> list[dict]:
    if name == "baseline":
        return [{"user": None, "url": url(url_name)}]
    if name == "admin_changelist":
        if not User.objects.filter(username=f"{PREFIX}admin", is_superuser=True).exists():
            raise Missing(f"no {PREFIX}admin superuser: run generate_bench_data")
        return [{"user": f"{PREFIX}admin", "url": url(url_name)}]
    if name in ("queue", "review"):
        if not supervisors:
            raise Missing("no bench supervisor has a submitted checklist: run generate_bench_data")
        return [{"user": s["user"], "url": url(url_name, pk=s["checklist"])} for s in supervisors]
    if name == "insight":
        if not supervisors:
            raise Missing("no bench supervisor has a team with reflections: run generate_bench_data")
        return [{"user": s["user"], "url": f"{url(url_name)}?period=last-12-months"} for s in supervisors]
    if not fcas:
        raise Missing("no bench FCA has a draft checklist: run generate_bench_data")
    if name == "theme":
        theme = (
            Theme.objects.filter(knowledge_bite__status=KnowledgeBite.Status.PUBLISHED)
            .annotate(points=Count("practice_points"))
            .order_by("-points", "number")
            .first()
        )
        if theme is None:
            raise Missing("no published theme: run load_knowledge_bite")
        return [{"user": s["user"], "url": url(url_name, slug=theme.slug)} for s in fcas]
    if name == "search":
        return [{"user": s["user"], "url": f"{url(url_name)}?q={SEARCH_QUERY}"} for s in fcas]
    if name in ("home", "my_checklists"):
        return [{"user": s["user"], "url": url(url_name)} for s in fcas]
    if name == "step":
        return [{"user": s["user"], "url": url(url_name, pk=s["checklist"], number=s["step"])} for s in fcas]
    if name == "autosave":
        url_name = autosave_url_name()
        return [
            {
                "user": s["user"],
                "url": url(url_name, pk=s["checklist"], number=s["step"], question=s["question"]),
                "referer": url("checklists:step", pk=s["checklist"], number=s["step"]),
                "fields": AUTOSAVE_FIELDS,
                "question": s["question"],
                "revision": s["revision"],
            }
            for s in fcas
        ]
    raise Missing(f"unknown endpoint {name}")


def main() -> None:
    fcas, supervisors = fca_slots(), supervisor_slots()
    endpoints, missing = [], []
    for name, label, url_name, role, group in ENDPOINTS:
        entry = {"name": name, "label": label, "url_name": url_name, "role": role, "group": group}
        try:
            entry["requests"] = build_requests(name, url_name, fcas, supervisors)
        except Missing as reason:
            missing.append({**entry, "reason": str(reason)})
            continue
        entry["method"] = "POST" if name == "autosave" else "GET"
        if name == "autosave":
            entry["url_name"] = autosave_url_name()
        endpoints.append(entry)

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    bench_checklists = Checklist.objects.filter(author__username__startswith=PREFIX)
    data = {
        "database": {
            "vendor": connection.vendor,
            "version": version,
            "teams": Team.objects.filter(slug__startswith=PREFIX).count(),
            "fcas": User.objects.filter(username__startswith=f"{PREFIX}fca-").count(),
            "supervisors": User.objects.filter(username__startswith=f"{PREFIX}sup-").count(),
            "checklists": bench_checklists.count(),
            "answers": Answer.objects.filter(checklist__in=bench_checklists).count(),
        },
        "endpoints": endpoints,
        "missing": missing,
    }
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
