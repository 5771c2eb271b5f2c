import re
import time

import pytest
from django.urls import reverse
from django.utils.http import parse_http_date

from accounts.middleware import LAST_ACTIVITY, SIGNED_IN_AT
from tests.checklists.walkthrough_support import (  # noqa: F401 (guidance and walkthrough_template are fixtures)
    answer,
    autosave_url,
    guidance,
    questions,
    start,
    walkthrough_template,
)

pytestmark = pytest.mark.django_db


def _age_session(client, *, idle=0, since_sign_in=0):
    session = client.session
    now = time.time()
    session[LAST_ACTIVITY] = now - idle
    session[SIGNED_IN_AT] = now - since_sign_in
    session.save()


def test_an_active_session_carries_on(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 60, since_sign_in=3600)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(fca.pk)


def test_it_signs_out_after_inactivity(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("checklists:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "_auth_user_id" not in client.session


def test_it_signs_out_after_the_absolute_lifetime_even_when_active(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=5, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_background_request_after_expiry_gets_401_not_a_login_page(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.post(reverse("keep_alive"), headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response["X-Session-Expired"] == "1"
    assert "_auth_user_id" not in client.session


def test_keep_alive_restarts_the_inactivity_clock(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 30)
    before = client.session[LAST_ACTIVITY]
    response = client.post(reverse("keep_alive"))
    assert response.status_code == 200
    assert response.json()["expires_in"] == settings.SESSION_IDLE_TIMEOUT
    assert client.session[LAST_ACTIVITY] > before + settings.SESSION_IDLE_TIMEOUT - 60


def test_keep_alive_rejects_get(client_for, fca):
    assert client_for(fca).get(reverse("keep_alive")).status_code == 405


def test_pages_carry_the_dialog_and_the_warning_time(client_for, fca, settings):
    response = client_for(fca).get(reverse("home"))
    assert f'data-session-warning="{settings.SESSION_WARNING_BEFORE}"'.encode() in response.content
    assert b'id="timeout-dialog"' in response.content
    assert f'data-status-url="{reverse("session_status")}"'.encode() in response.content
    assert f'data-csrf-cookie="{settings.CSRF_COOKIE_NAME}"'.encode() in response.content


# The expiry that pages and responses carry ------------------------------------------------------


def _expires_in(response) -> int:
    return int(response["X-Session-Expires-In"])


def _page_expires_in(response) -> int:
    found = re.search(rb'data-session-expires-in="(\d+)"', response.content)
    assert found, "the page does not carry the session's expiry"
    return int(found.group(1))


def test_a_page_counts_from_the_last_recorded_activity_not_from_the_request(client_for, fca, settings):
    client = client_for(fca)
    # Activity 10 s ago is within the interval at which it is recorded, so this request moves nothing.
    _age_session(client, idle=10, since_sign_in=3600)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    expected = settings.SESSION_IDLE_TIMEOUT - 10
    assert expected - 2 <= _page_expires_in(response) <= expected
    assert expected - 2 <= _expires_in(response) <= expected
    assert b'data-session-renewable="true"' in response.content
    assert response["X-Session-Renewable"] == "1"


def test_the_expiry_is_an_http_date_matching_the_seconds_left(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=10)
    before = time.time()
    response = client.get(reverse("home"))
    expires = parse_http_date(response["X-Session-Expires"])
    assert abs(expires - (before + _expires_in(response))) <= 2
    assert client.session[LAST_ACTIVITY] + settings.SESSION_IDLE_TIMEOUT - 1 <= expires


def test_a_page_after_the_recording_interval_restarts_the_clock(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=120, since_sign_in=3600)
    before = time.time()
    response = client.get(reverse("home"))
    assert client.session[LAST_ACTIVITY] >= before
    assert _expires_in(response) >= settings.SESSION_IDLE_TIMEOUT - 2


def test_the_recording_interval_shrinks_with_a_short_timeout(client_for, fca, settings):
    settings.SESSION_IDLE_TIMEOUT = 60  # records activity at least once a second
    client = client_for(fca)
    _age_session(client, idle=5)
    before = time.time()
    response = client.get(reverse("home"))
    assert client.session[LAST_ACTIVITY] >= before
    assert 58 <= _expires_in(response) <= 60


def test_the_absolute_lifetime_ends_the_count_when_it_comes_first(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=0, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME - 100)
    response = client.get(reverse("home"))
    assert 98 <= _page_expires_in(response) <= 100
    assert 98 <= _expires_in(response) <= 100
    assert b'data-session-renewable="false"' in response.content
    assert response["X-Session-Renewable"] == "0"


def test_keep_alive_reports_the_new_expiry_in_its_header_too(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 30)
    response = client.post(reverse("keep_alive"))
    assert settings.SESSION_IDLE_TIMEOUT - 2 <= _expires_in(response) <= settings.SESSION_IDLE_TIMEOUT
    assert response.json()["renewable"] is True


def test_keep_alive_cannot_pass_the_absolute_lifetime(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT - 30, since_sign_in=settings.SESSION_ABSOLUTE_LIFETIME - 90)
    response = client.post(reverse("keep_alive"))
    assert response.status_code == 200
    assert 88 <= response.json()["expires_in"] <= 90
    assert response.json()["renewable"] is False
    assert 88 <= _expires_in(response) <= 90


def test_an_autosave_response_carries_the_expiry(client_for, fca, walkthrough_template, settings):  # noqa: F811
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    _age_session(client, idle=10, since_sign_in=60)
    question = questions(checklist.template)["what-happened"]
    response = client.post(
        autosave_url(checklist),
        {"question": question.pk, "q-what-happened": "Shouting was heard.", "revision-what-happened": 0},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert answer(checklist, "what-happened").value == "Shouting was heard."
    expected = settings.SESSION_IDLE_TIMEOUT - 10
    assert expected - 2 <= _expires_in(response) <= expected


def test_anonymous_responses_carry_no_expiry(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "X-Session-Expires-In" not in response
    assert b"data-session-expires-in" not in response.content


def test_signing_out_carries_no_expiry(client_for, fca):
    response = client_for(fca).post(reverse("logout"))
    assert response.status_code == 200
    assert "X-Session-Expires-In" not in response


# The status URL: asked by the warning, never counted as activity ----------------------------------


def test_status_reports_the_time_left_without_restarting_the_clock(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=120, since_sign_in=3600)  # past the recording interval: a page would record it
    before = client.session[LAST_ACTIVITY]
    response = client.get(reverse("session_status"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    state = response.json()
    assert state["signed_in"] is True and state["renewable"] is True
    expected = settings.SESSION_IDLE_TIMEOUT - 120
    assert expected - 2 <= state["expires_in"] <= expected
    assert expected - 2 <= _expires_in(response) <= expected
    assert client.session[LAST_ACTIVITY] == before
    assert "no-store" in response["Cache-Control"]


def test_status_says_an_anonymous_browser_is_signed_out(client):
    response = client.get(reverse("session_status"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"signed_in": False}


def test_status_after_expiry_signs_out_and_says_so(client_for, fca, settings):
    client = client_for(fca)
    _age_session(client, idle=settings.SESSION_IDLE_TIMEOUT + 1)
    response = client.get(reverse("session_status"), headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response["X-Session-Expired"] == "1"
    assert "_auth_user_id" not in client.session


def test_status_rejects_post(client_for, fca):
    assert client_for(fca).post(reverse("session_status")).status_code == 405
