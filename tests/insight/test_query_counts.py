"""The insight page and its downloads take the same queries for a few reflections or many, over any period."""

import datetime

import pytest
from django.urls import reverse

from checklists.models import Checklist
from tests.factories import MembershipFactory, UserFactory
from tests.insight.conftest import QUARTER, at
from tests.insight.support import reflection

pytestmark = pytest.mark.django_db

BOTH = {"what-happened": "Police attended.", "risk-factors": "domestic-abuse\nsubstance-misuse", "next-steps": "Refer."}

# Besides the session: the user, the request's savepoint and its release, the teams the person oversees
# (one query for both roles), the teams themselves, then: one pass over the checklists active in the
# period (counts by team, checklist and month, and review times), the checklist titles, the themes,
# the steps that show them, their prompts, one aggregate over answers, the Panel's figures and the actions per team.
PAGE = 13
# A download adds its audit record, in a savepoint of its own.
AUDIT = 3


def add_reflections(world, authors, number, *, months):
    template, questions, _ = world
    for index in range(number):
        sent = at(2025, 1 + index % months, 1 + index % 27)
        reflection(
            authors[index % len(authors)],
            template,
            questions,
            answers=BOTH,
            status=Checklist.Status.SIGNED_OFF,
            created_at=sent - datetime.timedelta(days=2),
            submitted_at=sent,
            signed_off_at=sent + datetime.timedelta(days=1 + index % 5),
        )


@pytest.mark.parametrize(
    ("url", "query"),
    [
        (reverse("insight:home"), QUARTER),
        (reverse("insight:home"), {"period": "last-12-months"}),
        (reverse("insight:download", kwargs={"table": "themes"}), QUARTER),
    ],
)
def test_the_same_queries_for_few_reflections_or_many(
    client_for, practice_lead, south, world, fca, stranger_fca, django_assert_num_queries, plus_session, url, query
):
    practice_lead.led_teams.add(south)
    client = client_for(practice_lead)
    add_reflections(world, [fca, stranger_fca], 6, months=1)
    client.get(url, query)
    expected = plus_session(PAGE + (AUDIT if "download" in url else 0))
    with django_assert_num_queries(expected):
        assert client.get(url, query).status_code == 200
    more = [fca, stranger_fca]
    for number in range(6):
        person = UserFactory(username=f"practitioner-{number}")
        MembershipFactory(user=person, team=south if number % 2 else fca.practice_team)
        more.append(person)
    add_reflections(world, more, 60, months=3)
    with django_assert_num_queries(expected):
        assert client.get(url, query).status_code == 200


def test_a_supervisor_s_page_takes_as_many_queries(
    client_for, supervisor, world, fca, django_assert_num_queries, plus_session
):
    client = client_for(supervisor)
    add_reflections(world, [fca], 3, months=1)
    client.get(reverse("insight:home"), QUARTER)
    with django_assert_num_queries(plus_session(PAGE)):
        client.get(reverse("insight:home"), QUARTER)
    add_reflections(world, [fca], 40, months=3)
    with django_assert_num_queries(plus_session(PAGE)):
        client.get(reverse("insight:home"), QUARTER)
