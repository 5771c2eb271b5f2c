"""The home page: each role's starting point."""

import pytest
from django.urls import reverse

from checklists.models import Checklist
from tests.factories import ChecklistFactory

pytestmark = pytest.mark.django_db
HOME = reverse("home")
LIST = reverse("checklists:list")


def test_an_fca_sees_their_checklists_by_status_with_returned_ones_first(client_for, fca, walkthrough_template):
    ChecklistFactory.create_batch(2, author=fca, template=walkthrough_template)
    returned = ChecklistFactory(
        author=fca, template=walkthrough_template, status=Checklist.Status.RETURNED, case_reference="ZE21P00777"
    )
    ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.SIGNED_OFF)
    content = client_for(fca).get(HOME).content.decode()
    assert "2 drafts in progress" in content
    assert "0 submitted, waiting for review" in content
    assert "1 returned for more reflection" in content
    assert "1 signed off" in content
    assert content.index("Returned to you") < content.index("Your reflective checklists")
    assert reverse("checklists:resume", kwargs={"pk": returned.pk}) in content
    assert "Start a checklist" in content
    assert "Supervision" not in content.split('id="main-content"')[1]
    assert "Go to content administration" not in content


def test_a_count_of_none_is_not_a_link_to_an_empty_list(client_for, fca, walkthrough_template):
    ChecklistFactory(author=fca, template=walkthrough_template)
    ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.SIGNED_OFF)
    assert Checklist.objects.filter(author=fca).count() == 2
    content = client_for(fca).get(HOME).content.decode()
    counts = content.split('class="govuk-list app-status-counts">')[1].split("</ul>")[0]
    assert f'<a class="govuk-link" href="{LIST}?status=draft">1 draft in progress</a>' in counts
    assert f'<a class="govuk-link" href="{LIST}?status=signed_off">1 signed off</a>' in counts
    assert "<li>0 submitted, waiting for review</li>" in counts
    assert "<li>0 returned for more reflection</li>" in counts
    assert "status=submitted" not in counts and "status=returned" not in counts
    assert client_for(fca).get(f"{LIST}?status=draft").status_code == 200


def test_a_new_fca_is_told_what_checklists_are_for(client_for, fca):
    content = client_for(fca).get(HOME).content.decode()
    assert "Use a reflective checklist when you receive new information" in content
    assert "Start a checklist" in content


def test_a_supervisor_sees_their_review_queue(client_for, fca, supervisor, stranger_fca, walkthrough_template):
    ChecklistFactory.create_batch(3, author=fca, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    ChecklistFactory(author=fca, template=walkthrough_template)  # a draft: not for review
    ChecklistFactory(author=stranger_fca, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    content = client_for(supervisor).get(HOME).content.decode()
    assert "<strong>3</strong> checklists are waiting for your review." in content
    assert reverse("supervision:queue") in content


def test_a_supervisors_own_submitted_checklist_is_not_counted_as_waiting(
    client_for, supervisor, north, walkthrough_template
):
    ChecklistFactory(author=supervisor, team=north, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    content = client_for(supervisor).get(reverse("home")).content.decode()
    assert "No checklists are waiting for your review." in content
    assert Checklist.objects.filter(author=supervisor, status=Checklist.Status.SUBMITTED).count() == 1


def test_an_editor_is_pointed_to_the_admin(client_for, editor):
    content = client_for(editor).get(HOME).content.decode()
    assert "Go to content administration" in content and reverse("admin:index") in content


def test_someone_elses_checklists_never_show(client_for, fca, other_fca, walkthrough_template):
    ChecklistFactory(author=other_fca, template=walkthrough_template, case_reference="ZE21P04040")
    content = client_for(fca).get(HOME).content.decode()
    assert "ZE21P04040" not in content


@pytest.mark.parametrize("persona", ["fca", "supervisor"])
def test_the_home_page_takes_the_same_queries_for_1_or_50_checklists(
    client_for, fca, supervisor, walkthrough_template, django_assert_num_queries, persona, plus_session
):
    user = {"fca": fca, "supervisor": supervisor}[persona]
    client = client_for(user)
    ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.RETURNED)
    client.get(HOME)
    # The session, the user, the counts by status, then the FCA's returned and recent checklists
    # (skipped when the counts say there are none) or the supervisor's queue count, the counts of
    # their actions, the FCA's answered steps for notices of changed guidance (none here, so no
    # more), and the navigation's two role checks, inside the request's savepoint.
    queries = plus_session({"fca": 10, "supervisor": 8}[persona])
    with django_assert_num_queries(queries):
        assert client.get(HOME).status_code == 200
    for status in Checklist.Status.values:
        ChecklistFactory.create_batch(12, author=fca, template=walkthrough_template, status=status)
    with django_assert_num_queries(queries):
        assert client.get(HOME).status_code == 200


def test_a_superuser_counts_as_supervising_every_team(client_for, superuser, fca, stranger_fca, walkthrough_template):
    for author in (fca, stranger_fca):
        ChecklistFactory(
            author=author, team=author.practice_team, template=walkthrough_template, status=Checklist.Status.SUBMITTED
        )
    content = client_for(superuser).get(HOME).content.decode()
    assert "<strong>2</strong> checklists are waiting for your review." in content
    assert reverse("supervision:queue") in content
    assert Checklist.objects.awaiting_review().count() == 2
