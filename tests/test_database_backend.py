"""The PostgreSQL backend (config.postgresql): a kept connection is checked only after sitting idle,
and statements a connection runs again and again are prepared.

These run against the PostgreSQL server whichever database the suite itself uses, each on a
connection of its own, so that killing it leaves the suite's own connection alone.
"""

import time

import dj_database_url
import psycopg
import pytest
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.utils import ConnectionHandler, OperationalError

from config.postgresql.base import CHECK_AFTER_IDLE_SECONDS, DatabaseWrapper
from tests.test_settings import _manage

pytestmark = pytest.mark.django_db

SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def wrapper():
    settings_dict = dj_database_url.parse(SERVER, conn_max_age=60, conn_health_checks=True)
    settings_dict["ENGINE"] = "config.postgresql"
    # The alias Django gives its own connections to the `postgres` database, as this one is.
    settings_dict = ConnectionHandler({"default": settings_dict}).settings["default"]
    connection = DatabaseWrapper(settings_dict, alias=NO_DB_ALIAS)
    yield connection
    connection.close()


@pytest.fixture
def checks(wrapper, monkeypatch):
    """Each health check the wrapper makes, with what it found."""
    made = []
    is_usable = wrapper.is_usable

    def counted():
        made.append(is_usable())
        return made[-1]

    monkeypatch.setattr(wrapper, "is_usable", counted)
    return made


def _backend_pid(connection) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _kill(pid: int) -> None:
    with psycopg.connect(SERVER, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(50):  # until the server has let it go
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.05)


def _between_requests(connection, *, idle: float) -> None:
    """What Django does as one request ends and the next begins, `idle` seconds apart."""
    connection.close_if_unusable_or_obsolete()
    connection.used_at -= idle
    connection.close_if_unusable_or_obsolete()


def test_a_connection_used_a_moment_ago_is_not_checked(wrapper, checks):
    pid = _backend_pid(wrapper)
    _between_requests(wrapper, idle=0)
    assert _backend_pid(wrapper) == pid
    assert checks == []


def test_a_connection_left_idle_is_checked_and_kept_when_it_answers(wrapper, checks):
    pid = _backend_pid(wrapper)
    _between_requests(wrapper, idle=CHECK_AFTER_IDLE_SECONDS + 1)
    assert _backend_pid(wrapper) == pid
    assert checks == [True]
    # Checked once for the request, not before each query.
    assert _backend_pid(wrapper) == pid and checks == [True]


def test_an_idle_connection_the_server_dropped_is_replaced_before_the_first_query(wrapper, checks):
    pid = _backend_pid(wrapper)
    _kill(pid)
    _between_requests(wrapper, idle=CHECK_AFTER_IDLE_SECONDS + 1)
    new_pid = _backend_pid(wrapper)
    assert checks == [False]
    assert new_pid != pid


def test_a_busy_connection_the_server_dropped_fails_one_request_and_is_then_replaced(wrapper, checks):
    """The cost of skipping the check: the next query fails, and the request after it reconnects."""
    pid = _backend_pid(wrapper)
    _kill(pid)
    _between_requests(wrapper, idle=0)
    with pytest.raises(OperationalError):
        _backend_pid(wrapper)
    wrapper.close_if_unusable_or_obsolete()  # the failed request ends
    assert wrapper.connection is None
    assert _backend_pid(wrapper) != pid


def test_a_statement_run_again_and_again_is_prepared_once():
    """The app's own settings, on PostgreSQL: the sixth run of a statement uses a prepared one."""
    script = (
        "from django.db import connection\n"
        "for _ in range(6):\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute('SELECT count(*) FROM pg_class WHERE relkind = %s', ['r'])\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT statement FROM pg_prepared_statements')\n"
        "    print([row[0] for row in cursor.fetchall()])\n"
    )
    on = _manage("shell", "-c", script, DJANGO_SETTINGS_MODULE="config.settings.test", DATABASE_URL=SERVER)
    assert on.returncode == 0, on.stderr
    assert "SELECT count(*) FROM pg_class WHERE relkind = $1" in on.stdout
    off = _manage(
        "shell",
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=SERVER,
        DATABASE_PREPARED_STATEMENTS="false",
    )
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip().splitlines()[-1] == "[]"
