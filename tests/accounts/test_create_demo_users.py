import pytest
from django.core.management import call_command

from accounts.models import CONTENT_EDITORS_GROUP, Membership, Team, User

pytestmark = pytest.mark.django_db


def _run(capsys, monkeypatch, password="a-demo-password-2026"):
    monkeypatch.setenv("DEMO_PASSWORD", password)
    call_command("create_demo_users")
    return capsys.readouterr().out


def test_it_creates_exactly_the_demo_users(capsys, monkeypatch):
    out = _run(capsys, monkeypatch)
    assert set(User.objects.values_list("username", flat=True)) == {
        "fca",
        "fca2",
        "supervisor",
        "fca3",
        "supervisor2",
        "editor",
        "admin",
    }
    assert "a-demo-password-2026" in out
    roles = set(Membership.objects.values_list("user__username", "team__name", "role"))
    assert roles == {
        ("fca", "North", "practitioner"),
        ("fca2", "North", "practitioner"),
        ("supervisor", "North", "supervisor"),
        ("fca3", "South", "practitioner"),
        ("supervisor2", "South", "supervisor"),
    }
    editor = User.objects.get(username="editor")
    assert editor.is_staff and not editor.is_superuser
    assert editor.groups.filter(name=CONTENT_EDITORS_GROUP).exists()
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="fca").check_password("a-demo-password-2026")


def test_running_it_twice_changes_nothing(capsys, monkeypatch):
    _run(capsys, monkeypatch)
    _run(capsys, monkeypatch)
    assert User.objects.count() == 7
    assert Team.objects.count() == 2
    assert Membership.objects.count() == 5


def test_it_prints_a_generated_password_when_none_is_given(capsys, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("create_demo_users")
    out = capsys.readouterr().out
    password = out.strip().rsplit(": ", 1)[1]
    assert len(password) >= 12
    assert User.objects.get(username="supervisor2").check_password(password)


def test_every_demo_user_can_sign_in_and_reach_home(client, capsys, monkeypatch):
    _run(capsys, monkeypatch)
    for username in ("fca", "fca2", "supervisor", "fca3", "supervisor2", "editor", "admin"):
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": "a-demo-password-2026"})
        assert response.status_code == 302, username
        assert client.get(response["Location"]).status_code == 200, username


def test_the_editors_group_can_curate_content_but_not_read_checklists(capsys, monkeypatch):
    _run(capsys, monkeypatch)
    editor = User.objects.get(username="editor")
    assert editor.has_perm("guidance.change_practicepoint")
    assert editor.has_perm("casestudies.add_casestudy")
    assert editor.has_perm("checklists.change_checklisttemplate")
    assert not editor.has_perm("checklists.view_checklist")
    assert not editor.has_perm("checklists.view_answer")
