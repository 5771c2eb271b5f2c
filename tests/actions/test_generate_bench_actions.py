"""generate_bench_actions: recent bench checklists get actions, nothing else does, and a reset removes them."""

import io

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from actions.models import Action
from checklists.models import Checklist
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_it_gives_recent_bench_checklists_open_overdue_and_closed_actions(fca, action_template):
    theirs = ActionFactory(checklist=ChecklistFactory(template=action_template, author=fca))
    run("generate_bench_data", "--scale", "0.002")  # 2 teams, 4 FCAs, 400 checklists, on a stand-in template

    out = run("generate_bench_actions")

    bench = Action.objects.filter(checklist__author__username__startswith="bench-fca-")
    assert bench.count() == Action.objects.count() - 1 > 100
    assert f"Gave the bench checklists {bench.count():,} actions" in out
    today = timezone.localdate()
    assert bench.filter(status=Action.Status.OPEN, due_on__gte=today).exists()
    assert bench.filter(status=Action.Status.OPEN, due_on__lt=today).exists()
    assert bench.filter(status=Action.Status.DONE).exists() and bench.filter(status=Action.Status.NOT_NEEDED).exists()
    # Each on a question of its checklist's template, due after it was started, closed no later than today.
    assert not bench.exclude(question__template=F("checklist__template")).exists()
    assert not bench.filter(due_on__lt=F("checklist__created_at__date")).exists()
    assert not bench.filter(closed_on__gt=today).exists()
    assert not bench.filter(status=Action.Status.OPEN, closed_on__isnull=False).exists()
    assert not bench.exclude(owner=Action.Owner.AGENCY).exclude(agency_role="").exists()
    assert Action.objects.get(pk=theirs.pk).description == theirs.description

    # Run again: nothing more.
    count = Action.objects.count()
    assert "nothing to do" in run("generate_bench_actions")
    assert Action.objects.count() == count

    # Replacing the bench data takes its actions with it, and leaves everyone else's.
    run("generate_bench_data", "--scale", "0.002", "--reset")
    assert list(Action.objects.values_list("pk", flat=True)) == [theirs.pk]
    assert Checklist.objects.filter(author__username__startswith="bench-").count() == 400
