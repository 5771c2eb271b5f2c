import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


def test_live_answers_without_touching_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_checks_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert any("SELECT 1" in q["sql"] for q in queries.captured_queries)


@pytest.mark.django_db
def test_ready_reports_a_broken_database(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
