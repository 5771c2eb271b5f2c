"""Personas for the whole suite, after the people in DESIGN.md.

fca and other_fca practise in North; supervisor supervises North. stranger_fca practises in
South, supervised by other_supervisor. practice_lead is given North for insight. editor curates
content; superuser can do anything.
"""

import pytest
from django.conf import settings
from django.core.cache import cache

from accounts.models import CONTENT_EDITORS_GROUP, Membership
from accounts.roles import ensure_content_editors_group, ensure_practice_leads_group
from tests.factories import PASSWORD, MembershipFactory, TeamFactory, UserFactory


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def north(db):
    return TeamFactory(name="North", slug="north")


@pytest.fixture
def south(db):
    return TeamFactory(name="South", slug="south")


def _member(username, team, role):
    user = UserFactory(username=username)
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def fca(north):
    return _member("fca", north, Membership.Role.PRACTITIONER)


@pytest.fixture
def other_fca(north):
    return _member("fca2", north, Membership.Role.PRACTITIONER)


@pytest.fixture
def stranger_fca(south):
    return _member("fca3", south, Membership.Role.PRACTITIONER)


@pytest.fixture
def supervisor(north):
    return _member("supervisor", north, Membership.Role.SUPERVISOR)


@pytest.fixture
def other_supervisor(south):
    return _member("supervisor2", south, Membership.Role.SUPERVISOR)


@pytest.fixture
def editor(db):
    user = UserFactory(username="editor", is_staff=True)
    group = ensure_content_editors_group()
    assert group.name == CONTENT_EDITORS_GROUP
    user.groups.add(group)
    return user


@pytest.fixture
def practice_lead(north):
    user = UserFactory(username="lead")
    user.groups.add(ensure_practice_leads_group())
    user.led_teams.add(north)
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client_for(client):
    """Return a client signed in as the given user (or anonymous for None)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: locmem, or this run's keys in Redis (config/settings/test.py)."""
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture
def plus_session():
    """A page's queries besides reading the session, plus that read: cached_db sessions read Redis instead."""
    session_queries = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
    return lambda count: count + session_queries


@pytest.fixture
def run_tasks(db):
    """Run the queued tasks now, as the worker would; returns how many ran."""
    from tests.tasks_support import run_queued_tasks

    return run_queued_tasks
