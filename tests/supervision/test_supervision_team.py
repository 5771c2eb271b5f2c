"""The team overview: per practitioner, counts by status (never drafts) and the oldest item waiting."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from checklists.models import Checklist
from tests.factories import ActionFactory, ChecklistFactory, MembershipFactory, UserFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import days_ago, make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
template = supervision_support.template

TEAM = reverse("supervision:team")


def row_for(response, user):
    return next(m for m in response.context["page"].object_list if m.user_id == user.pk)


def test_it_sends_anonymous_people_to_sign_in(client):
    response = client.get(TEAM)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["fca", "other_fca", "stranger_fca", "editor"])
def test_it_refuses_people_who_supervise_no_team(client_for, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(TEAM)
    assert response.status_code == 403
    assert b"Only supervisors can use supervision pages" in response.content


def test_it_counts_each_practitioners_checklists_by_status(client_for, supervisor, fca, other_fca, template):
    make_checklist(fca, template, submitted_at=days_ago(2))
    make_checklist(fca, template, submitted_at=days_ago(12))
    make_checklist(fca, template, status=Checklist.Status.RETURNED)
    make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    make_checklist(fca, template, status=Checklist.Status.DRAFT)
    response = client_for(supervisor).get(TEAM)
    assert response.status_code == 200
    row = row_for(response, fca)
    assert (row.submitted, row.returned, row.signed_off) == (2, 1, 1)
    assert abs((row.oldest_waiting - days_ago(12)).total_seconds()) < 60
    assert row.is_overdue
    quiet = row_for(response, other_fca)
    assert (quiet.submitted, quiet.returned, quiet.signed_off, quiet.oldest_waiting) == (0, 0, 0, None)
    assert b"Nothing waiting" in response.content
    assert b"Drafts are private to the practitioner, so they are not counted." in response.content


def test_it_only_shows_the_supervisors_teams(client_for, supervisor, fca, stranger_fca, template):
    make_checklist(stranger_fca, template)
    response = client_for(supervisor).get(TEAM)
    people = {membership.user_id for membership in response.context["page"].object_list}
    assert fca.pk in people
    assert stranger_fca.pk not in people


def test_it_counts_only_checklists_started_in_that_team(client_for, supervisor, north, south, fca, template):
    # fca moved from South: their South checklists belong to South's supervisor.
    ChecklistFactory(author=fca, team=south, template=template, status=Checklist.Status.SUBMITTED)
    make_checklist(fca, template, team=north)
    assert row_for(client_for(supervisor).get(TEAM), fca).submitted == 1


def test_it_links_counts_to_the_filtered_queue(client_for, supervisor, fca, template):
    make_checklist(fca, template)
    response = client_for(supervisor).get(TEAM)
    assert f"?team=north&amp;practitioner={fca.pk}".encode() in response.content


def test_it_filters_by_team_and_refuses_other_teams(client_for, supervisor, south, stranger_fca, fca):
    MembershipFactory(user=supervisor, team=south, role=Membership.Role.SUPERVISOR)
    client = client_for(supervisor)
    response = client.get(TEAM, {"team": "south"})
    assert [m.user_id for m in response.context["page"].object_list] == [stranger_fca.pk]
    assert client.get(TEAM, {"team": "west"}).status_code == 400


def test_another_teams_supervisor_cannot_filter_to_this_team(client_for, other_supervisor):
    response = client_for(other_supervisor).get(TEAM, {"team": "north"})
    assert response.status_code == 400
    assert b"Choose one of the teams you supervise" in response.content


def test_it_explains_a_team_with_no_practitioners(client_for, supervisor):
    response = client_for(supervisor).get(TEAM)
    assert b"No practitioners yet" in response.content


def test_it_is_paginated(client_for, supervisor, north):
    for _ in range(23):
        MembershipFactory(user=UserFactory(), team=north)
    client = client_for(supervisor)
    assert len(client.get(TEAM).context["page"].object_list) == 20
    assert len(client.get(TEAM, {"page": 2}).context["page"].object_list) == 3


@pytest.mark.parametrize("count", [1, 50])
def test_it_takes_the_same_number_of_queries_for_1_or_50(
    client_for, supervisor, north, template, count, django_assert_max_num_queries
):
    for index in range(count):
        person = UserFactory()
        MembershipFactory(user=person, team=north)
        ChecklistFactory(author=person, team=north, template=template, status=Checklist.Status.SUBMITTED)
        signed_off = ChecklistFactory(author=person, team=north, template=template, status=Checklist.Status.SIGNED_OFF)
        ActionFactory(checklist=signed_off, due_on=timezone.localdate() - datetime.timedelta(days=index + 1))
    client = client_for(supervisor)
    # The open and overdue actions are counted in one query of their own.
    with django_assert_max_num_queries(12):
        response = client.get(TEAM)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)
