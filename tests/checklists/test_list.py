"""Your checklists: the list with filters, search and pagination, and deleting drafts."""

import pytest
from django.urls import reverse

from checklists.models import Checklist
from tests.factories import ChecklistFactory

pytestmark = pytest.mark.django_db
LIST = reverse("checklists:list")


def delete_url(checklist) -> str:
    return reverse("checklists:delete", kwargs={"pk": checklist.pk})


def test_an_empty_list_invites_you_to_start(client_for, fca):
    content = client_for(fca).get(LIST).content.decode()
    assert "You have not started any reflective checklists yet." in content
    assert f'href="{reverse("checklists:start")}"' in content and "Start a checklist" in content


def test_it_lists_only_your_own_checklists_with_status_tags(client_for, fca, other_fca, walkthrough_template):
    mine = ChecklistFactory(author=fca, template=walkthrough_template, case_reference="ZE21P00001")
    ChecklistFactory(
        author=fca, template=walkthrough_template, case_reference="ZE21P00002", status=Checklist.Status.SIGNED_OFF
    )
    ChecklistFactory(author=other_fca, template=walkthrough_template, case_reference="ZE21P09999")
    content = client_for(fca).get(LIST).content.decode()
    assert "ZE21P00001" in content and "ZE21P00002" in content
    assert "ZE21P09999" not in content
    assert '<strong class="govuk-tag govuk-tag--grey">Draft</strong>' in content
    assert '<strong class="govuk-tag govuk-tag--green">Signed off</strong>' in content
    # A draft resumes at its first step; it can be deleted.
    assert reverse("checklists:resume", kwargs={"pk": mine.pk}) in content
    assert delete_url(mine) in content


def test_it_filters_by_status(client_for, fca, walkthrough_template):
    ChecklistFactory(author=fca, template=walkthrough_template, case_reference="ZE21P00001")
    ChecklistFactory(
        author=fca, template=walkthrough_template, case_reference="ZE21P00002", status=Checklist.Status.RETURNED
    )
    content = client_for(fca).get(LIST, {"status": "returned"}).content.decode()
    assert "ZE21P00002" in content and "ZE21P00001" not in content
    assert '<option value="returned" selected>' in content
    # An unknown status is ignored rather than an error.
    response = client_for(fca).get(LIST, {"status": "nonsense"})
    assert response.status_code == 200 and b"ZE21P00001" in response.content


def test_it_searches_by_case_number(client_for, fca, walkthrough_template):
    ChecklistFactory(author=fca, template=walkthrough_template, case_reference="ZE21P00123")
    ChecklistFactory(author=fca, template=walkthrough_template, case_reference="LV19C00456")
    content = client_for(fca).get(LIST, {"case": " ze21p "}).content.decode()
    assert "ZE21P00123" in content and "LV19C00456" not in content
    assert 'value="ZE21P"' in content
    content = client_for(fca).get(LIST, {"case": "NOMATCH1"}).content.decode()
    assert "No checklists match your filters." in content


def test_it_pages_twenty_at_a_time_keeping_the_filters(client_for, fca, walkthrough_template):
    ChecklistFactory.create_batch(45, author=fca, template=walkthrough_template)
    client = client_for(fca)
    content = client.get(LIST, {"status": "draft"}).content.decode()
    assert content.count('class="app-checklist-list__item"') == 20
    assert "Showing 1 to 20 of 45 checklists" in content
    assert 'href="?status=draft&amp;page=2" rel="next"' in content
    content = client.get(LIST, {"status": "draft", "page": "3"}).content.decode()
    assert content.count('class="app-checklist-list__item"') == 5
    # A page beyond the end shows the last page, and nonsense shows the first.
    assert "Showing 41 to 45" in client.get(LIST, {"page": "99"}).content.decode()
    assert "Showing 1 to 20" in client.get(LIST, {"page": "x"}).content.decode()


def test_the_list_takes_the_same_queries_for_1_or_50_checklists(
    client_for, fca, walkthrough_template, django_assert_num_queries, plus_session
):
    client = client_for(fca)
    ChecklistFactory(author=fca, template=walkthrough_template)
    client.get(LIST)
    # The session, the user, the paginator's count and one page of rows, with the navigation's
    # role checks, inside the request's savepoint.
    with django_assert_num_queries(plus_session(6)):
        assert client.get(LIST).status_code == 200
    ChecklistFactory.create_batch(49, author=fca, template=walkthrough_template)
    with django_assert_num_queries(plus_session(6)):
        assert client.get(LIST).status_code == 200


def test_deleting_a_draft_asks_first_then_deletes_it(client_for, fca, walkthrough_template):
    draft = ChecklistFactory(author=fca, template=walkthrough_template, case_reference="ZE21P00123")
    client = client_for(fca)
    response = client.get(delete_url(draft))
    assert response.status_code == 200
    assert b"Are you sure you want to delete this draft?" in response.content
    assert Checklist.objects.filter(pk=draft.pk).exists()
    response = client.post(delete_url(draft), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert b"The draft checklist for ZE21P00123 has been deleted." in response.content
    assert not Checklist.objects.filter(pk=draft.pk).exists()


def test_only_drafts_can_be_deleted(client_for, fca, walkthrough_template):
    client = client_for(fca)
    for status in (Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF):
        checklist = ChecklistFactory(author=fca, template=walkthrough_template, status=status)
        assert client.get(delete_url(checklist)).status_code == 403
        assert client.post(delete_url(checklist)).status_code == 403
        assert Checklist.objects.filter(pk=checklist.pk).exists()


def test_someone_elses_draft_is_404_to_delete(client_for, fca, other_fca, supervisor, walkthrough_template):
    draft = ChecklistFactory(author=fca, template=walkthrough_template)
    for user in (other_fca, supervisor):
        assert client_for(user).get(delete_url(draft)).status_code == 404
        assert client_for(user).post(delete_url(draft)).status_code == 404
    assert Checklist.objects.filter(pk=draft.pk).exists()


def test_a_submitted_checklist_someone_supervises_cannot_be_deleted_by_them(
    client_for, fca, supervisor, walkthrough_template
):
    submitted = ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.SUBMITTED)
    assert client_for(supervisor).post(delete_url(submitted)).status_code == 403
    assert Checklist.objects.filter(pk=submitted.pk).exists()
