"""The benchmark's query-count header: off by default, and counting every statement when on."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MIDDLEWARE = "bench.middleware.QueryCountMiddleware"


@pytest.fixture
def counting(settings):
    settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]


def test_it_is_off_unless_the_benchmark_turns_it_on(client, settings):
    assert MIDDLEWARE not in settings.MIDDLEWARE

    response = client.get("/healthz/ready")

    assert "X-DB-Queries" not in response


def test_it_reports_no_queries_for_the_liveness_check(counting, client):
    response = client.get("/healthz/live")

    assert response.status_code == 200
    assert response["X-DB-Queries"] == "0"


def test_it_counts_the_queries_a_page_runs(counting, client, django_assert_max_num_queries):
    user = UserFactory(username="counted")
    client.force_login(user)

    with django_assert_max_num_queries(50) as captured:
        response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert int(response["X-DB-Queries"]) == len(captured.captured_queries) >= 1
