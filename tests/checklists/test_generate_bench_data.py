"""generate_bench_data: a consistent, realistic volume for the benchmark, and only bench rows touched."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import Membership, Team, User
from checklists.management.commands.generate_bench_data import DEFAULT_PASSWORD, FALLBACK_TEMPLATE_SLUG
from checklists.models import Answer, Checklist, ChecklistTemplate, Comment, Event

pytestmark = pytest.mark.django_db

# 2 teams, 4 FCAs, 100 checklists, about 1,000 answers.
TINY = "0.0005"
Status = Checklist.Status


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_bench_data", "--scale", TINY, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def content():
    call_command("load_knowledge_bite", stdout=io.StringIO())
    call_command("load_checklist_templates", stdout=io.StringIO())


def test_it_makes_teams_supervisors_fcas_and_an_admin(content):
    generate()

    teams = Team.objects.filter(slug__startswith="bench-")
    assert teams.count() == 2
    fcas = User.objects.filter(username__startswith="bench-fca-")
    assert fcas.count() == 4
    assert User.objects.filter(username="bench-fca-0001").exists()
    for fca in fcas:
        assert list(fca.memberships.values_list("role", flat=True)) == [Membership.Role.PRACTITIONER]
    for team in teams:
        supervisors = team.memberships.filter(role=Membership.Role.SUPERVISOR)
        assert 1 <= supervisors.count() <= 2
        assert all(m.user.username.startswith("bench-sup-") for m in supervisors)
        assert team.memberships.filter(role=Membership.Role.PRACTITIONER).exists()
    assert User.objects.get(username="bench-sup-01").supervised_team_ids == [teams.order_by("slug")[0].pk]
    admin = User.objects.get(username="bench-admin")
    assert admin.is_superuser and admin.is_staff


def test_its_accounts_sign_in_with_the_known_password(content, client):
    generate()

    response = client.post("/accounts/login/", {"username": "bench-fca-0001", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="bench-fca-0001").pk)


def test_it_spreads_checklists_over_the_published_templates_with_consistent_answers(content):
    out = generate()

    checklists = Checklist.objects.filter(author__username__startswith="bench-fca-")
    assert checklists.count() == Checklist.objects.count() == 100
    published = set(ChecklistTemplate.objects.filter(status="published").values_list("pk", flat=True))
    used = set(checklists.values_list("template_id", flat=True))
    assert used <= published and len(used) > 1
    assert not ChecklistTemplate.objects.filter(slug=FALLBACK_TEMPLATE_SLUG).exists()
    # Each checklist belongs to its author's team, and every answer to a question of its template.
    assert not checklists.exclude(team__memberships__user=F("author")).exists()
    answers = Answer.objects.filter(checklist__in=checklists)
    assert 700 <= answers.count() <= 1300
    assert not answers.exclude(question__template=F("checklist__template")).exists()
    assert all(answer.revision >= 1 for answer in answers)
    assert "100 of 100 checklists" in out


def test_its_statuses_and_timestamps_tell_a_consistent_story(content):
    generate()
    now = timezone.now()

    checklists = list(Checklist.objects.all())
    assert {c.status for c in checklists} >= {Status.SIGNED_OFF, Status.DRAFT}
    assert sum(c.status == Status.SIGNED_OFF for c in checklists) > len(checklists) / 2
    for c in checklists:
        assert c.created_at <= c.updated_at <= now
        assert (now - c.created_at).days <= 3 * 365
        if c.status == Status.DRAFT:
            assert c.submitted_at is None and c.signed_off_at is None and c.returned_at is None
        else:
            assert c.created_at <= c.submitted_at <= c.updated_at
        if c.status == Status.SUBMITTED:
            assert c.signed_off_at is None
        if c.status == Status.RETURNED:
            assert c.submitted_at <= c.returned_at and c.signed_off_at is None
        if c.status == Status.SIGNED_OFF:
            assert c.submitted_at <= c.signed_off_at == c.updated_at
        if c.returned_at:
            assert c.created_at <= c.returned_at <= c.updated_at
    assert not Answer.objects.filter(updated_at__lt=F("checklist__created_at")).exists()


def test_its_comments_and_events_come_from_the_right_people(content):
    generate()

    checklists = Checklist.objects.all()
    created = Event.objects.filter(kind=Event.Kind.CREATED, actor=F("checklist__author"))
    assert created.count() == checklists.count()
    signed_off = checklists.filter(status=Status.SIGNED_OFF)
    assert Event.objects.filter(kind=Event.Kind.SIGNED_OFF, checklist__in=signed_off).count() == signed_off.count()
    returned = checklists.filter(status=Status.RETURNED).annotate(comments_count=Count("comments"))
    assert all(checklist.comments_count >= 1 for checklist in returned)
    for comment in Comment.objects.select_related("checklist"):
        assert comment.checklist.team_id in comment.author.supervised_team_ids
    assert not Event.objects.filter(created_at__lt=F("checklist__created_at")).exists()


def test_it_stands_in_a_small_template_when_none_is_published():
    out = generate()

    template = ChecklistTemplate.objects.get(slug=FALLBACK_TEMPLATE_SLUG)
    assert "No published checklist template" in out
    assert set(Checklist.objects.values_list("template_id", flat=True)) == {template.pk}
    assert not Answer.objects.exclude(question__template=template).exists()


def test_it_replaces_only_bench_data_on_reset(content, fca):
    generate()
    template = ChecklistTemplate.objects.filter(status="published").first()
    own = Checklist.objects.create(template=template, author=fca, case_reference="ZE21P00123", title="Mine")
    first_ids = set(Checklist.objects.exclude(pk=own.pk).values_list("pk", flat=True))

    with pytest.raises(CommandError, match="--reset"):
        generate()
    generate("--reset", "--seed", "7")

    assert Checklist.objects.filter(pk=own.pk).exists()
    fca.refresh_from_db()
    assert fca.memberships.get().team.name == "North"
    bench = Checklist.objects.exclude(pk=own.pk)
    assert bench.count() == 100
    assert not first_ids & set(bench.values_list("pk", flat=True))
    assert User.objects.filter(username__startswith="bench-fca-").count() == 4


def test_it_keeps_data_of_the_same_volume_with_reuse(content):
    generate()
    ids = set(Checklist.objects.values_list("pk", flat=True))

    out = generate("--reset", "--reuse")

    assert "already present" in out
    assert set(Checklist.objects.values_list("pk", flat=True)) == ids


def test_it_refuses_a_database_not_named_for_benchmarks(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "NAME", "practicehub")

    with pytest.raises(CommandError, match="Refusing"):
        generate()

    assert not User.objects.filter(username__startswith="bench-").exists()


def test_it_rejects_a_scale_out_of_range():
    with pytest.raises(CommandError, match="--scale"):
        call_command("generate_bench_data", "--scale", "0", stdout=io.StringIO())

    assert not Checklist.objects.exists()
