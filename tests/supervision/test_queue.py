"""The supervisor's review queue: who sees it, what is in it, filters, counts, overdue flags, pages."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from checklists.models import Checklist
from supervision.selectors import overdue_before, working_days_between
from tests.factories import ChecklistFactory, MembershipFactory, UserFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import build_template, days_ago, make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template

QUEUE = reverse("supervision:queue")


def rows(response):
    return [checklist.pk for checklist in response.context["page"].object_list]


# --- who can see it ---------------------------------------------------------------------------------


def test_it_sends_anonymous_people_to_sign_in(client):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["fca", "other_fca", "stranger_fca", "editor"])
def test_it_refuses_people_who_supervise_no_team(client_for, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(QUEUE)
    assert response.status_code == 403
    assert b"Only supervisors can use supervision pages" in response.content


def test_it_rejects_post(client_for, supervisor):
    assert client_for(supervisor).post(QUEUE).status_code == 405


def test_it_is_never_cached(client_for, supervisor):
    response = client_for(supervisor).get(QUEUE)
    assert "no-store" in response["Cache-Control"]


# --- what is in it ----------------------------------------------------------------------------------


def test_it_lists_the_teams_submitted_checklists_oldest_first(client_for, supervisor, fca, other_fca, template):
    newer = make_checklist(fca, template, submitted_at=days_ago(1))
    older = make_checklist(other_fca, template, submitted_at=days_ago(3))
    response = client_for(supervisor).get(QUEUE)
    assert response.status_code == 200
    assert rows(response) == [older.pk, newer.pk]
    assert newer.case_reference.encode() in response.content
    assert reverse("supervision:review", kwargs={"pk": older.pk}).encode() in response.content


def test_it_never_lists_drafts_other_teams_or_other_statuses(
    client_for, supervisor, fca, stranger_fca, other_supervisor, template
):
    waiting = make_checklist(fca, template)
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    make_checklist(fca, template, status=Checklist.Status.RETURNED)
    south = make_checklist(stranger_fca, template)
    response = client_for(supervisor).get(QUEUE)
    assert rows(response) == [waiting.pk]
    assert draft.case_reference.encode() not in response.content
    assert south.case_reference.encode() not in response.content


def test_it_leaves_out_the_supervisors_own_checklists(client_for, supervisor, north, fca, template):
    own = ChecklistFactory(author=supervisor, team=north, template=template, status=Checklist.Status.SUBMITTED)
    theirs = make_checklist(fca, template)
    response = client_for(supervisor).get(QUEUE)
    assert rows(response) == [theirs.pk]
    assert own.case_reference.encode() not in response.content


def test_the_supervisors_own_checklists_are_not_counted(client_for, supervisor, north, fca, template):
    for status in (Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF):
        ChecklistFactory(author=supervisor, team=north, template=template, status=status, submitted_at=days_ago(30))
    make_checklist(fca, template, submitted_at=days_ago(30))
    make_checklist(fca, template, status=Checklist.Status.RETURNED)
    response = client_for(supervisor).get(QUEUE)
    counts = response.context["counts"]
    assert (counts["submitted"], counts["returned"], counts["signed_off"], counts["overdue"]) == (1, 1, 0, 1)
    assert response.context["page"].paginator.count == 1
    assert b"Showing 1 to 1 of 1" in response.content


def test_it_names_the_author_of_a_checklist_who_has_since_left_the_team(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template, team=Membership.objects.get(user=fca).team)
    Membership.objects.filter(user=fca).delete()
    response = client_for(supervisor).get(QUEUE)
    assert rows(response) == [checklist.pk]
    assert f'data-label="Practitioner">{fca}</td>'.encode() in response.content
    assert b'data-label="Team">North</td>' in response.content


def test_a_superuser_sees_every_teams_queue(client_for, superuser, fca, stranger_fca, template):
    north = make_checklist(fca, template, submitted_at=days_ago(2))
    south = make_checklist(stranger_fca, template, submitted_at=days_ago(1))
    response = client_for(superuser).get(QUEUE)
    assert response.status_code == 200
    assert rows(response) == [north.pk, south.pk]


def test_a_supervisor_of_two_teams_sees_both(client_for, supervisor, south, fca, stranger_fca, template):
    MembershipFactory(user=supervisor, team=south, role=Membership.Role.SUPERVISOR)
    north_item = make_checklist(fca, template, submitted_at=days_ago(2))
    south_item = make_checklist(stranger_fca, template, submitted_at=days_ago(1))
    response = client_for(supervisor).get(QUEUE)
    assert rows(response) == [north_item.pk, south_item.pk]
    assert b'name="team"' in response.content


# --- filters ----------------------------------------------------------------------------------------


def test_it_filters_by_status(client_for, supervisor, fca, template):
    make_checklist(fca, template)
    returned = make_checklist(fca, template, status=Checklist.Status.RETURNED)
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    client = client_for(supervisor)
    assert rows(client.get(QUEUE, {"status": "returned"})) == [returned.pk]
    assert rows(client.get(QUEUE, {"status": "signed_off"})) == [signed_off.pk]


def test_it_filters_by_practitioner(client_for, supervisor, fca, other_fca, template):
    make_checklist(fca, template)
    theirs = make_checklist(other_fca, template)
    response = client_for(supervisor).get(QUEUE, {"practitioner": other_fca.pk})
    assert rows(response) == [theirs.pk]
    assert response.context["is_filtered"]


def test_it_filters_by_team(client_for, supervisor, south, fca, stranger_fca, template):
    MembershipFactory(user=supervisor, team=south, role=Membership.Role.SUPERVISOR)
    make_checklist(fca, template)
    south_item = make_checklist(stranger_fca, template)
    assert rows(client_for(supervisor).get(QUEUE, {"team": "south"})) == [south_item.pk]


def test_it_filters_by_template_across_its_versions(client_for, supervisor, fca, template):
    other = build_template()
    make_checklist(fca, template)
    later_version = build_template(slug=other.slug, version=2, status="draft")
    first = make_checklist(fca, other, submitted_at=days_ago(2))
    second = make_checklist(fca, later_version, submitted_at=days_ago(1))
    assert rows(client_for(supervisor).get(QUEUE, {"template": other.slug})) == [first.pk, second.pk]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"status": "draft"}, b"Choose waiting for review, returned or signed off"),
        ({"status": "deleted"}, b"Choose waiting for review, returned or signed off"),
        ({"team": "south"}, b"Choose one of the teams you supervise"),
        ({"practitioner": "999999"}, b"Choose a practitioner from the teams you supervise"),
        ({"practitioner": "fca3"}, b"Choose a practitioner from the teams you supervise"),
        ({"template": "no-such-checklist"}, b"Choose one of the checklists listed"),
    ],
)
def test_it_refuses_filters_outside_the_supervisors_teams(client_for, supervisor, fca, stranger_fca, params, message):
    make_checklist(stranger_fca, build_template())
    response = client_for(supervisor).get(QUEUE, params)
    assert response.status_code == 400
    assert b"There is a problem" in response.content
    assert message in response.content
    # Nothing is listed for filters it refused.
    assert "status_links" not in response.context
    assert b"govuk-table" not in response.content


def test_it_refuses_another_teams_practitioner_by_id(client_for, supervisor, stranger_fca):
    response = client_for(supervisor).get(QUEUE, {"practitioner": stranger_fca.pk})
    assert response.status_code == 400


def test_it_offers_only_the_supervisors_colleagues_as_practitioners(
    client_for, supervisor, fca, other_fca, stranger_fca
):
    response = client_for(supervisor).get(QUEUE)
    choices = dict(response.context["form"].fields["practitioner"].choices)
    assert str(fca.pk) in choices and str(other_fca.pk) in choices
    assert str(stranger_fca.pk) not in choices
    assert str(supervisor.pk) not in choices


# --- counts and overdue -----------------------------------------------------------------------------


def test_it_counts_each_status_within_the_filters(client_for, supervisor, fca, other_fca, template):
    make_checklist(fca, template)
    make_checklist(fca, template)
    make_checklist(fca, template, status=Checklist.Status.RETURNED)
    make_checklist(other_fca, template, status=Checklist.Status.SIGNED_OFF)
    make_checklist(fca, template, status=Checklist.Status.DRAFT)
    client = client_for(supervisor)
    counts = client.get(QUEUE).context["counts"]
    assert (counts["submitted"], counts["returned"], counts["signed_off"]) == (2, 1, 1)
    counts = client.get(QUEUE, {"practitioner": fca.pk}).context["counts"]
    assert (counts["submitted"], counts["returned"], counts["signed_off"]) == (2, 1, 0)
    assert b"Waiting for review (2)" in client.get(QUEUE).content


def test_it_flags_checklists_waiting_more_than_the_threshold(client_for, supervisor, fca, template, settings):
    settings.REVIEW_OVERDUE_WORKING_DAYS = 5
    late = make_checklist(fca, template, submitted_at=days_ago(14))
    recent = make_checklist(fca, template, submitted_at=timezone.now())
    response = client_for(supervisor).get(QUEUE)
    listed = {checklist.pk: checklist for checklist in response.context["page"].object_list}
    assert listed[late.pk].is_overdue and listed[late.pk].days_waiting == 10
    assert not listed[recent.pk].is_overdue and listed[recent.pk].days_waiting == 0
    assert response.content.count(b'govuk-tag--red">Overdue') == 1
    assert response.context["counts"]["overdue"] == 1
    assert b"1 checklist has waited more than 5 working days" in response.content


def test_the_threshold_is_configurable(client_for, supervisor, fca, template, settings):
    settings.REVIEW_OVERDUE_WORKING_DAYS = 20
    make_checklist(fca, template, submitted_at=days_ago(14))
    response = client_for(supervisor).get(QUEUE)
    assert b'govuk-tag--red">Overdue' not in response.content
    assert response.context["counts"]["overdue"] == 0


def test_working_days_skip_weekends():
    friday, monday = datetime.date(2026, 3, 6), datetime.date(2026, 3, 9)
    assert working_days_between(friday, monday) == 1
    assert working_days_between(datetime.date(2026, 3, 7), monday) == 1  # submitted on a Saturday
    assert working_days_between(monday, monday) == 0
    assert working_days_between(datetime.date(2026, 3, 2), datetime.date(2026, 3, 9)) == 5
    assert working_days_between(datetime.date(2026, 3, 2), datetime.date(2026, 3, 10)) == 6
    assert working_days_between(monday, friday) == 0


def test_overdue_before_matches_the_day_by_day_count(settings):
    settings.REVIEW_OVERDUE_WORKING_DAYS = 5
    tuesday = datetime.date(2026, 3, 10)
    boundary = timezone.localtime(overdue_before(tuesday))
    assert boundary.date() == datetime.date(2026, 3, 3)
    assert working_days_between(boundary.date(), tuesday) == 5
    assert working_days_between(boundary.date() - datetime.timedelta(days=1), tuesday) == 6


# --- pages and empty states -------------------------------------------------------------------------


def test_it_shows_twenty_a_page(client_for, supervisor, fca, template):
    for days in range(25):
        ChecklistFactory(author=fca, template=template, status=Checklist.Status.SUBMITTED, submitted_at=days_ago(days))
    client = client_for(supervisor)
    first = client.get(QUEUE)
    assert len(rows(first)) == 20
    assert b"Showing 1 to 20 of 25" in first.content
    assert b'rel="next"' in first.content
    second = client.get(QUEUE, {"page": 2})
    assert len(rows(second)) == 5
    assert set(rows(first)).isdisjoint(rows(second))
    assert len(rows(client.get(QUEUE, {"page": "999"}))) == 5
    assert len(rows(client.get(QUEUE, {"page": "x"}))) == 20


def test_page_links_keep_the_filters(client_for, supervisor, fca, template):
    for _ in range(21):
        ChecklistFactory(author=fca, template=template, status=Checklist.Status.RETURNED)
    response = client_for(supervisor).get(QUEUE, {"status": "returned", "practitioner": fca.pk})
    assert f"status=returned&amp;practitioner={fca.pk}&amp;page=2".encode() in response.content


def test_it_explains_an_empty_queue(client_for, supervisor):
    response = client_for(supervisor).get(QUEUE)
    assert response.status_code == 200
    assert b"Nothing is waiting for your review" in response.content
    assert b"When a practitioner in the team you supervise submits a reflective checklist" in response.content


def test_it_explains_empty_returned_and_signed_off_lists(client_for, supervisor):
    client = client_for(supervisor)
    assert b"No checklists are back with practitioners" in client.get(QUEUE, {"status": "returned"}).content
    assert b"No checklists have been signed off yet" in client.get(QUEUE, {"status": "signed_off"}).content


def test_it_explains_when_filters_match_nothing(client_for, supervisor, fca, other_fca, template):
    make_checklist(fca, template)
    response = client_for(supervisor).get(QUEUE, {"practitioner": other_fca.pk})
    assert b"No checklists match these filters" in response.content
    assert b"Clear the filters" in response.content


def test_the_layout_stacks_on_small_screens(client_for, supervisor, submitted):
    response = client_for(supervisor).get(QUEUE)
    assert b'class="govuk-table app-stacked-table"' in response.content
    assert b'data-label="Waiting"' in response.content


# --- queries ----------------------------------------------------------------------------------------


def _fill(count, authors, template, team):
    for index in range(count):
        ChecklistFactory(
            author=authors[index % len(authors)],
            team=team,
            template=template,
            status=Checklist.Status.SUBMITTED,
            submitted_at=days_ago(index),
        )


@pytest.mark.parametrize("count", [1, 50])
def test_the_queue_takes_the_same_number_of_queries_for_1_or_50(
    client_for, supervisor, north, template, count, django_assert_num_queries, plus_session
):
    practitioners = [UserFactory() for _ in range(5)]
    for person in practitioners:
        MembershipFactory(user=person, team=north)
    _fill(count, practitioners, template, north)
    client = client_for(supervisor)
    client.get(QUEUE)  # the first request after signing in also stamps the session
    # The session, the user and their teams, then the teams, the people and the checklists to
    # filter by, the counts by status and one page of rows, inside the request's savepoint.
    with django_assert_num_queries(plus_session(9)):
        response = client.get(QUEUE, {"practitioner": practitioners[0].pk, "template": template.slug})
    assert response.status_code == 200
    with django_assert_num_queries(plus_session(9)):
        response = client.get(QUEUE)
    assert len(rows(response)) == min(count, 20)


def test_a_fellow_supervisor_who_writes_checklists_can_be_filtered_on(client_for, supervisor, north, template):
    colleague = UserFactory()
    MembershipFactory(user=colleague, team=north, role=Membership.Role.SUPERVISOR)
    theirs = ChecklistFactory(author=colleague, team=north, template=template, status=Checklist.Status.SUBMITTED)
    response = client_for(supervisor).get(QUEUE, {"practitioner": colleague.pk})
    assert response.status_code == 200
    assert rows(response) == [theirs.pk]
