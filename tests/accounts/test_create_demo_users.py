import stat

import pytest
from django.core.management import CommandError, call_command

from accounts.models import CONTENT_EDITORS_GROUP, PRACTICE_LEADS_GROUP, Membership, Team, User

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
        "lead",
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
    lead = User.objects.get(username="lead")
    assert lead.groups.filter(name=PRACTICE_LEADS_GROUP).exists() and not lead.is_staff
    assert set(lead.led_teams.values_list("name", flat=True)) == {"North", "South"}
    assert not lead.memberships.exists()
    assert User.objects.get(username="fca").check_password("a-demo-password-2026")


def test_running_it_twice_changes_nothing(capsys, monkeypatch):
    _run(capsys, monkeypatch)
    _run(capsys, monkeypatch)
    assert User.objects.count() == 8
    assert Team.objects.count() == 2
    assert Membership.objects.count() == 5


def _sign_in(client, username, password):
    client.logout()
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_without_demo_password_it_keeps_a_new_password_in_a_file_and_reuses_it(client, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    path = tmp_path / ".demo-password"
    call_command("create_demo_users", password_file=path)
    password = path.read_text().strip()
    assert len(password) >= 12
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert capsys.readouterr().out.strip().endswith(f"(new, kept in {path}): {password}")

    call_command("create_demo_users", password_file=path)
    assert path.read_text().strip() == password
    assert capsys.readouterr().out.strip().endswith(f"(kept in {path}): {password}")
    assert User.objects.get(username="supervisor2").check_password(password)
    response = _sign_in(client, "fca", password)
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_it_uses_a_password_written_in_the_file(client, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    path = tmp_path / ".demo-password"
    path.write_text("  chosen-by-hand-2026\n")
    call_command("create_demo_users", password_file=path)
    assert path.read_text() == "  chosen-by-hand-2026\n"
    assert _sign_in(client, "supervisor", "chosen-by-hand-2026").status_code == 302


def test_demo_password_wins_over_the_file_and_leaves_it_alone(client, capsys, monkeypatch, tmp_path):
    path = tmp_path / ".demo-password"
    path.write_text("kept-in-the-file-2026\n")
    monkeypatch.setenv("DEMO_PASSWORD", "from-the-environment-2026")
    call_command("create_demo_users", password_file=path)
    assert path.read_text() == "kept-in-the-file-2026\n"
    assert _sign_in(client, "fca2", "kept-in-the-file-2026").status_code == 200  # refused: the form again
    assert "_auth_user_id" not in client.session
    assert _sign_in(client, "fca2", "from-the-environment-2026").status_code == 302


def test_it_refuses_a_weak_password_and_creates_no_one(monkeypatch, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    path = tmp_path / ".demo-password"
    path.write_text("short\n")
    with pytest.raises(CommandError, match="too weak"):
        call_command("create_demo_users", password_file=path)
    assert not User.objects.exists()
    assert path.read_text() == "short\n"


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
