"""Actions per team on the insight page and in its download: hand-counted, with small counts suppressed."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from checklists.models import Checklist
from tests.factories import ActionFactory, QuestionFactory
from tests.insight.conftest import QUARTER
from tests.insight.support import reflection

pytestmark = pytest.mark.django_db

PAGE = reverse("insight:home")
CSV = reverse("insight:download", kwargs={"table": "actions"})


@pytest.fixture
def actions(world, fca, other_fca, stranger_fca):
    """North: 7 open (5 overdue), 6 done in the quarter, 1 done before it; a draft's and South's never count."""
    template, questions, _ = world
    then_what = QuestionFactory(template=template, step=questions["what-happened"].step, collects_actions=True)
    sent = reflection(fca, template, questions, status=Checklist.Status.SUBMITTED)
    other = reflection(other_fca, template, questions, status=Checklist.Status.SIGNED_OFF)
    draft = reflection(fca, template, questions, status=Checklist.Status.DRAFT)
    south = reflection(stranger_fca, template, questions, status=Checklist.Status.SUBMITTED)
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=3), today + datetime.timedelta(days=3)

    def add(checklist, number, **fields):
        for _ in range(number):
            ActionFactory(checklist=checklist, question=then_what, **fields)

    add(sent, 3, due_on=past)
    add(other, 2, due_on=past)
    add(other, 2, due_on=future)
    add(sent, 6, status=Action.Status.DONE, closed_on=datetime.date(2025, 2, 3))
    add(sent, 1, status=Action.Status.DONE, closed_on=datetime.date(2024, 12, 30))
    add(other, 4, status=Action.Status.NOT_NEEDED, closed_on=datetime.date(2025, 2, 3))
    add(draft, 9, due_on=past)
    add(south, 8, due_on=past)


def _rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_actions_are_counted_per_team_with_small_counts_suppressed(client_for, practice_lead, actions):
    client = client_for(practice_lead)

    page = client.get(PAGE, QUARTER)
    download = client.get(CSV, QUARTER)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="table-actions"' in html
    assert _rows(download) == [["Team", "Open now", "Overdue now", "Done in the period"], ["North", "7", "5", "6"]]


def test_a_count_below_five_is_never_shown(client_for, practice_lead, actions):
    Action.objects.filter(status=Action.Status.OPEN, due_on__gte=timezone.localdate()).delete()
    Action.objects.filter(status=Action.Status.OPEN, checklist__status=Checklist.Status.SIGNED_OFF).delete()

    response = client_for(practice_lead).get(CSV, QUARTER)

    assert _rows(response)[1] == ["North", "fewer than 5", "fewer than 5", "6"]
    assert (
        Action.objects.filter(status=Action.Status.OPEN, checklist__team__name="North")
        .exclude(checklist__status=Checklist.Status.DRAFT)
        .count()
        == 3
    )


def test_a_lone_small_count_in_a_column_hides_a_second_so_it_cannot_be_worked_out(
    client_for, practice_lead, south, actions
):
    """With South's 8 open actions beside North's 7, three of North's closed leave a 'fewer than 5'
    that the 'All teams' total would give away: the smaller other count is hidden too."""
    practice_lead.led_teams.add(south)
    sent_open = Action.objects.filter(checklist__team__name="North", status=Action.Status.OPEN).exclude(
        checklist__status=Checklist.Status.DRAFT
    )
    closing = list(sent_open.values_list("pk", flat=True)[:4])
    Action.objects.filter(pk__in=closing).update(status=Action.Status.DONE, closed_on=datetime.date(2024, 1, 1))

    rows = _rows(client_for(practice_lead).get(CSV, QUARTER))

    assert rows[0] == ["Team", "Open now", "Overdue now", "Done in the period"]
    north, south_row, total = rows[1:]
    assert north[:2] == ["North", "fewer than 5"]
    assert south_row[:2] == ["South", "not shown"]  # 8, but North's 3 = 11 - 8 otherwise
    assert total[:2] == ["All teams", "11"]
    assert sent_open.count() == 3
