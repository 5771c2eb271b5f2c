"""The admin's checklist list is kept rendered under everything it shows (checklists/admin_pages.py).

A kept page is served only while nothing on it has changed: each test changes one thing the page
shows, behind the ORM's back where it can (no signal, no save), and looks again.
"""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Team, User
from checklists.models import Checklist
from tests.checklists import supervision_support
from tests.checklists.supervision_support import make_checklist
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_caching")]
template = supervision_support.template
URL = reverse("admin:checklists_checklist_changelist")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _look(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return response


def _rendered(response) -> bool:
    return any(t.name == "admin/change_list.html" for t in response.templates)


def _cells(html: str, field: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(rf'class="field-{field}[^"]*">(.*?)</t[dh]>', html)
    ]


def _welcome(html: str) -> str:
    return re.search(r"Welcome,\s*<strong>(.*?)</strong>", html).group(1)


def test_a_second_look_is_served_without_rendering_and_shows_the_same_rows(client_for, superuser, fca, template):
    checklists = [make_checklist(fca, template) for _ in range(3)]
    client = client_for(superuser)
    with CaptureQueriesContext(connection) as rendering:
        first = _look(client)
    with CaptureQueriesContext(connection) as keeping:
        second = _look(client)
    assert _rendered(first) and not _rendered(second)
    # The rows are read on every look: they are what the key is made of.
    assert len(keeping) <= len(rendering)
    assert any('"checklists_checklist"' in q["sql"] for q in keeping.captured_queries)
    assert second["Cache-Control"] == first["Cache-Control"]
    assert "no-store" in second["Cache-Control"] or "no-cache" in second["Cache-Control"]
    html = second.content.decode()
    expected = [c.case_reference for c in Checklist.objects.order_by("-updated_at")]
    assert _cells(html, "case_reference") == expected
    assert sorted(expected) == sorted(c.case_reference for c in checklists)
    assert TOKEN.sub("", html) == TOKEN.sub("", first.content.decode())


def test_a_changed_status_shows_at_once_without_any_signal(client_for, superuser, fca, template):
    checklist = make_checklist(fca, template)
    client = client_for(superuser)
    assert _cells(_look(client).content.decode(), "status") == ["Submitted"]
    Checklist.objects.filter(pk=checklist.pk).update(status=Checklist.Status.SIGNED_OFF)
    again = _look(client)
    assert _rendered(again)
    assert _cells(again.content.decode(), "status") == ["Signed off"]
    assert Checklist.objects.get(pk=checklist.pk).status == Checklist.Status.SIGNED_OFF


def test_renamed_team_and_author_show_at_once(client_for, superuser, fca, template):
    checklist = make_checklist(fca, template)
    client = client_for(superuser)
    html = _look(client).content.decode()
    assert _cells(html, "team") == [str(checklist.team)]
    Team.objects.filter(pk=checklist.team_id).update(name="Tyneside")
    User.objects.filter(pk=fca.pk).update(first_name="Renamed", last_name="Person")
    html = _look(client).content.decode()
    assert _cells(html, "team") == ["Tyneside"]
    assert "Renamed Person" in _cells(html, "author")[0]
    # The team filter offers the new name too.
    assert re.search(r'<a href="\?team__id__exact=\d+">Tyneside</a>', html)
    assert Team.objects.get(pk=checklist.team_id).name == "Tyneside"


def test_a_new_checklist_goes_to_the_top_and_the_count_moves(client_for, superuser, fca, template):
    make_checklist(fca, template)
    client = client_for(superuser)
    assert "1 checklist" in _look(client).content.decode()
    newest = make_checklist(fca, template, case_reference="ZE26P99999")
    html = _look(client).content.decode()
    assert _cells(html, "case_reference")[0] == "ZE26P99999"
    assert "2 checklists" in html
    assert Checklist.objects.order_by("-updated_at").first() == newest


def test_filters_searches_and_pages_are_kept_apart(client_for, superuser, fca, template):
    submitted = make_checklist(fca, template, case_reference="ZE26P00001")
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT, case_reference="ZE26P00002")
    client = client_for(superuser)
    _look(client)
    assert _cells(_look(client, f"{URL}?status__exact=draft").content.decode(), "case_reference") == [
        draft.case_reference
    ]
    assert _cells(_look(client, f"{URL}?q=ZE26P00001").content.decode(), "case_reference") == [submitted.case_reference]
    assert len(_cells(_look(client).content.decode(), "case_reference")) == 2


def test_each_person_gets_their_own_name_and_a_token_that_works(client, superuser, fca, template):
    make_checklist(fca, template)
    other = UserFactory(username="admin2", first_name="Second", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    _look(client)
    kept = _look(client)
    assert not _rendered(kept)
    assert _welcome(kept.content.decode()) == superuser.get_short_name()

    client.force_login(other)
    theirs = _look(client)
    assert _welcome(theirs.content.decode()) == "Second"
    kept_again = _look(client)
    assert not _rendered(kept_again)
    # The kept page's sign-out form carries this session's own token: it signs them out.
    client.handler.enforce_csrf_checks = True
    token = TOKEN.search(kept_again.content.decode()).group(1)
    session_key = client.session.session_key
    assert client.post(reverse("admin:logout"), {"csrfmiddlewaretoken": token}).status_code == 200
    assert not Session.objects.filter(session_key=session_key).exists()


def test_a_message_is_shown_once_and_never_kept(client_for, superuser, fca, template):
    make_checklist(fca, template)
    client = client_for(superuser)
    _look(client)
    _look(client)
    retired = client.post(
        reverse("admin:checklists_checklisttemplate_changelist"),
        {"action": "retire", "_selected_action": [template.pk]},
    )
    assert retired.status_code == 302
    shown = _look(client)
    assert _rendered(shown)
    assert f"Retired {template}." in shown.content.decode()
    assert f"Retired {template}." not in _look(client).content.decode()
    template.refresh_from_db()
    assert template.status == template.Status.RETIRED


def test_facet_counts_follow_the_data(client_for, superuser, fca, template):
    make_checklist(fca, template)
    client = client_for(superuser)
    assert re.search(r"Submitted\s*\(1\)", _look(client, f"{URL}?_facets=True").content.decode())
    make_checklist(fca, template)
    assert re.search(r"Submitted\s*\(2\)", _look(client, f"{URL}?_facets=True").content.decode())
    assert Checklist.objects.filter(status=Checklist.Status.SUBMITTED).count() == 2


def test_with_no_pages_kept_every_look_is_rendered(client_for, superuser, fca, template, settings):
    settings.CHECKLIST_PAGES_KEPT = 0
    make_checklist(fca, template)
    client = client_for(superuser)
    assert _rendered(_look(client)) and _rendered(_look(client))
    assert Checklist.objects.count() == 1
    assert timezone.now() >= Checklist.objects.get().updated_at
