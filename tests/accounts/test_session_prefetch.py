"""Sessions as production keeps them (accounts.sessions): one round trip to the cache brings the
session, the person's cached user and the cache versions (config.prefetch), and nothing fetched
outlives its request or hides a change."""

import uuid

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.urls import reverse

from accounts import sessions
from accounts.backends import user_cache_key
from accounts.models import Membership
from accounts.roster import ROSTER_VERSION
from checklists.models import Event
from checklists.pages import PURGE_VERSION
from config import prefetch, versions
from guidance.cache import CONTENT_VERSION
from tests.checklists.supervision_support import build_template, make_checklist
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

VERSION_KEYS = {CONTENT_VERSION.key, ROSTER_VERSION.key, PURGE_VERSION.key}
READS: list[tuple[str, list[str]]] = []


class CountingCache(LocMemCache):
    """A local-memory cache that notes each read a caller makes (not the reads it makes of itself)."""

    _depth = 0

    def _noted(self, method: str, keys: list[str], read):
        outermost = CountingCache._depth == 0
        if outermost:
            READS.append((method, list(keys)))
        CountingCache._depth += 1
        try:
            return read()
        finally:
            CountingCache._depth -= 1

    def get(self, key, default=None, version=None):
        return self._noted("get", [key], lambda: super(CountingCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._noted("get_many", keys, lambda: super(CountingCache, self).get_many(keys, version))

    def get_or_set(self, key, default, timeout=None, version=None):
        return self._noted(
            "get_or_set", [key], lambda: super(CountingCache, self).get_or_set(key, default, timeout, version)
        )


@pytest.fixture
def production_sessions(page_caching, settings):
    """Sessions, users and pages kept as in production, in a cache that notes its reads."""
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.CountingCache", "LOCATION": f"test-{uuid.uuid4()}"}}
    settings.SESSION_ENGINE = "accounts.sessions"
    settings.AUTH_USER_CACHE_SECONDS = 300
    sessions._person_of_session.clear()
    READS.clear()
    yield READS
    sessions._person_of_session.clear()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_review_reads_the_cache_once_for_session_user_and_versions(production_sessions, supervisor, fca):
    checklist = make_checklist(fca, build_template(), title="Looked at twice")
    client = signed_in(supervisor)
    url = reverse("supervision:review", kwargs={"pk": checklist.pk})
    assert client.get(url).status_code == 200  # this process learns whose session it is
    production_sessions.clear()

    response = client.get(url)

    assert response.status_code == 200
    assert "Looked at twice" in response.content.decode()
    assert response.wsgi_request.user == supervisor
    assert len(production_sessions) == 1
    method, keys = production_sessions[0]
    assert method == "get_many"
    assert set(keys) == {
        f"django.contrib.sessions.cached_db{client.session.session_key}",
        user_cache_key(supervisor.pk),
        *VERSION_KEYS,
    }
    assert Event.objects.filter(checklist=checklist, kind=Event.Kind.VIEWED, actor=supervisor).count() == 2


def test_a_session_new_to_the_process_fetches_the_versions_with_it_and_then_its_user(production_sessions, fca):
    client = signed_in(fca)
    production_sessions.clear()

    response = client.get(reverse("checklists:list"))

    assert response.status_code == 200 and response.wsgi_request.user == fca
    first, *rest = production_sessions
    assert first[0] == "get_many" and VERSION_KEYS <= set(first[1])
    assert user_cache_key(fca.pk) not in first[1]
    assert ("get", [user_cache_key(fca.pk)]) in rest
    assert cache.get(user_cache_key(fca.pk)).username == fca.username


def test_losing_a_supervisor_membership_shows_on_the_next_request(production_sessions, supervisor):
    client = signed_in(supervisor)
    queue = reverse("supervision:queue")
    assert client.get(queue).status_code == 200
    assert client.get(queue).status_code == 200  # the user now comes with the session

    Membership.objects.filter(user=supervisor, role=Membership.Role.SUPERVISOR).delete()

    assert client.get(queue).status_code == 403
    assert not Membership.objects.filter(user=supervisor, role=Membership.Role.SUPERVISOR).exists()


def test_an_edited_theme_shows_on_the_next_request(production_sessions, fca):
    theme = ThemeFactory(title="Before the edit")
    client = signed_in(fca)
    url = reverse("guidance:theme", kwargs={"slug": theme.slug})
    assert "Before the edit" in client.get(url).content.decode()
    assert "Before the edit" in client.get(url).content.decode()  # served as kept

    theme.title = "After the edit"
    theme.save()

    page = client.get(url).content.decode()
    assert "After the edit" in page and "Before the edit" not in page


def test_a_session_the_cache_lost_is_read_from_the_database(production_sessions, fca):
    client = signed_in(fca)
    assert client.get(reverse("checklists:list")).status_code == 200
    cache.clear()

    response = client.get(reverse("checklists:list"))

    assert response.status_code == 200 and response.wsgi_request.user == fca
    assert cache.get(f"django.contrib.sessions.cached_db{client.session.session_key}")["_auth_user_id"] == str(fca.pk)


def test_a_wrong_guess_of_whose_session_it_is_shows_nobody_else(production_sessions, fca, other_fca):
    other = signed_in(other_fca)
    other.get(reverse("checklists:list"))  # other_fca's user is now in the cache
    client = signed_in(fca)
    sessions._person_of_session.put(client.session.session_key, str(other_fca.pk))
    production_sessions.clear()

    response = client.get(reverse("checklists:list"))

    assert response.status_code == 200
    assert response.wsgi_request.user == fca
    assert user_cache_key(other_fca.pk) in production_sessions[0][1]
    # Its own person came from the cache under its own key (or the database), never the guess.
    assert ("get", [user_cache_key(fca.pk)]) in production_sessions[1:]
    assert sessions._person_of_session.get(client.session.session_key) == str(fca.pk)


def test_nothing_fetched_outlives_its_request(production_sessions, fca):
    client = signed_in(fca)
    client.get(reverse("checklists:list"))
    client.get(reverse("checklists:list"))
    assert prefetch.take(user_cache_key(fca.pk)) is prefetch.NOT_FETCHED
    assert prefetch.take(CONTENT_VERSION.key) is prefetch.NOT_FETCHED


def test_a_version_bumped_during_a_request_is_read_afresh(production_sessions):
    """A request that changes content and then reads the version sees the new number."""
    before = CONTENT_VERSION.get()
    seen = []

    def view(request):
        prefetch.keep({CONTENT_VERSION.key: before}, [CONTENT_VERSION.key])  # as the session load does
        CONTENT_VERSION.bump()
        seen.append(versions.current(CONTENT_VERSION)[0])
        return None

    prefetch.PrefetchMiddleware(view)(object())

    assert seen[0] > before
    assert CONTENT_VERSION.get() == seen[0]


def test_a_forgotten_user_is_read_afresh_in_the_same_request(production_sessions, fca):
    from accounts.backends import RoleAwareModelBackend

    stale = RoleAwareModelBackend().get_user(fca.pk)
    found = []

    def view(request):
        prefetch.keep({user_cache_key(fca.pk): stale}, [user_cache_key(fca.pk)])
        fca.first_name = "Renamed"
        fca.save()  # forgets the cached copy
        found.append(RoleAwareModelBackend().get_user(fca.pk))
        return None

    prefetch.PrefetchMiddleware(view)(object())

    assert found[0].first_name == "Renamed"
    assert cache.get(user_cache_key(fca.pk)).first_name == "Renamed"
