"""Nothing about a case ever reaches the cache or the session store, before or after the purge.

A practitioner and a supervisor work a checklist through to sign-off in the browser's way (the
login form, following every redirect), then the retention purge deletes it. Every key in the cache
(LocMemCache, or this run's keys in Redis) and every stored session is then read back: only
session bookkeeping and cached guidance may be there, and none of the case's words.
"""

import datetime
import pickle
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checklists.models import Checklist, PurgeRecord
from guidance.models import KnowledgeBite
from tests.factories import PASSWORD, KnowledgeBiteFactory, PracticePointFactory, ThemeFactory
from tests.supervision.support import build_template

pytestmark = pytest.mark.django_db

CASE_REFERENCE = "ZX99Q31337"
TITLE = "Periwinkle bruising noticed at swimming"
ANSWER = "Lifeguard saw marks on both wrists during the Tuesday lesson 4471"
COMMENT = "Check the tangerine timetable with school 8812"
SIGN_OFF = "Signed off after the quince discussion 2290"

SESSION_CACHE_PREFIX = "django.contrib.sessions.cached_db"
# Guidance pages are cached under "guidance:..." keys (guidance/cache.py), or as template fragments.
GUIDANCE_PREFIXES = ("guidance:", "template.cache.guidance_content.")
SESSION_KEYS = {"_auth_user_id", "_auth_user_backend", "_auth_user_hash", "last_activity", "signed_in_at"}


def cache_entries() -> dict:
    """Every entry in the cache, by key as the application wrote it."""
    if hasattr(cache, "keys"):  # django-redis: this run's KEY_PREFIX only
        return cache.get_many(cache.keys("*"))
    # LocMemCache stores ":<version>:<key>" -> pickled value.
    return {key.split(":", 2)[2]: pickle.loads(value) for key, value in cache._cache.items()}


def stored_sessions() -> list[dict]:
    return [session.get_decoded() for session in Session.objects.all()]


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.status_code == 200 and response.context["user"] == user
    return client


@pytest.fixture
def guidance(db):
    bite = KnowledgeBiteFactory(slug="annual-report", status=KnowledgeBite.Status.PUBLISHED)
    theme = ThemeFactory(knowledge_bite=bite, slug="changing-risk")
    PracticePointFactory(theme=theme, title="Triangulate what you are told")
    return bite, theme


@pytest.fixture
def people(fca, supervisor):
    # Names of their own, so that finding one in the cache means it was put there.
    for user, first, last in ((fca, "Ottoline", "Quarrington"), (supervisor, "Barnabas", "Fennimore")):
        user.first_name, user.last_name = first, last
        user.save()
    return fca, supervisor


def read_guidance(client, bite, theme):
    for url in (
        reverse("guidance:home"),
        bite.get_absolute_url(),
        reverse("guidance:theme", kwargs={"slug": theme.slug}),
        reverse("guidance:resources"),
        reverse("guidance:search") + "?q=triangulate",
        reverse("casestudies:list"),
    ):
        assert client.get(url).status_code == 200, url


def work_through_a_checklist(fca_client, supervisor_client, template) -> Checklist:
    start = fca_client.post(
        reverse("checklists:details", kwargs={"slug": template.slug}),
        {"case_reference": CASE_REFERENCE, "title": TITLE},
        follow=True,
    )
    assert start.status_code == 200
    checklist = Checklist.objects.get(case_reference=CASE_REFERENCE)
    step_one = fca_client.post(
        checklist.get_step_url(1),
        {
            "q-what-happened": ANSWER,
            "revision-what-happened": "0",
            "q-risk-factors": ["domestic-abuse", "substance-misuse"],
            "revision-risk-factors": "0",
        },
        follow=True,
    )
    assert step_one.status_code == 200
    step_two = fca_client.post(
        checklist.get_step_url(2), {"q-safe-now": "unsure", "revision-safe-now": "0"}, follow=True
    )
    assert step_two.status_code == 200
    submitted = fca_client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}), follow=True)
    assert submitted.status_code == 200

    review_url = reverse("supervision:review", kwargs={"pk": checklist.pk})
    assert supervisor_client.get(review_url).status_code == 200
    commented = supervisor_client.post(
        reverse("supervision:comment", kwargs={"pk": checklist.pk}),
        {"comment-body": COMMENT, "comment-step": ""},
        follow=True,
    )
    assert commented.status_code == 200
    signed_off = supervisor_client.post(
        reverse("supervision:sign_off", kwargs={"pk": checklist.pk}), {"signoff-body": SIGN_OFF}, follow=True
    )
    assert signed_off.status_code == 200
    assert fca_client.get(checklist.get_absolute_url()).status_code == 200
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SIGNED_OFF
    assert list(checklist.comments.values_list("body", flat=True)) == [COMMENT, SIGN_OFF]
    return checklist


def forbidden_words(*users) -> list[str]:
    words = [CASE_REFERENCE, TITLE, ANSWER, COMMENT, SIGN_OFF, "csrfmiddlewaretoken"]
    for user in users:
        user.refresh_from_db()
        words += [user.email, user.password, user.get_full_name()]
    return words


def assert_nothing_but_sessions_and_guidance(words):
    """Read back every cache entry and stored session, and say what should not be there."""
    entries = cache_entries()
    sessions = stored_sessions() + [value for key, value in entries.items() if key.startswith(SESSION_CACHE_PREFIX)]
    guidance = [value for key, value in entries.items() if key.startswith(GUIDANCE_PREFIXES)]
    others = {key for key in entries if not key.startswith((SESSION_CACHE_PREFIX, *GUIDANCE_PREFIXES))}

    assert not others, others
    assert sessions and any(isinstance(value, (str, dict)) for value in guidance), "the scan read nothing"
    for session in sessions:
        assert set(session) <= SESSION_KEYS, set(session) - SESSION_KEYS
    for value in sessions + guidance:
        text = (value if isinstance(value, str) else repr(value)).lower()
        for word in words:
            assert word.lower() not in text, (word, text[:300])


def test_it_keeps_the_case_out_of_the_cache_and_the_sessions_before_and_after_the_purge(client, guidance, people):
    fca, supervisor = people
    fca_client, supervisor_client = sign_in(client, fca), sign_in(Client(), supervisor)
    bite, theme = guidance
    read_guidance(fca_client, bite, theme)
    read_guidance(supervisor_client, bite, theme)
    checklist = work_through_a_checklist(fca_client, supervisor_client, build_template())
    words = forbidden_words(fca, supervisor)
    assert_nothing_but_sessions_and_guidance(words)

    Checklist.objects.filter(pk=checklist.pk).update(signed_off_at=timezone.now() - datetime.timedelta(days=2))
    call_command("purge_checklists", "--older-than-days", "1", stdout=StringIO())
    assert not Checklist.objects.filter(pk=checklist.pk).exists()
    assert PurgeRecord.objects.filter(checklist_id=checklist.pk).exists()
    read_guidance(fca_client, bite, theme)

    assert_nothing_but_sessions_and_guidance(words)


def test_it_keeps_a_case_reference_searched_for_in_guidance_out_of_the_cache(client, guidance, people):
    fca, supervisor = people
    sign_in(client, fca)
    assert client.get(reverse("guidance:home")).status_code == 200
    assert client.get(reverse("guidance:search"), {"q": CASE_REFERENCE}).status_code == 200

    assert_nothing_but_sessions_and_guidance(forbidden_words(fca, supervisor))
