"""Kept pages (checklists/pages.py): the home page, "Your checklists" and the review queue.

Caching is off in the test settings; the `page_caching` fixture (tests/conftest.py) turns it on,
with an empty cache of the test's own. Each test changes something the way people do, then reads the page again.
"""

import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CONTENT_EDITORS_GROUP
from accounts.roles import ensure_content_editors_group
from checklists import services
from checklists.models import Checklist
from checklists.pages import retire_pages
from tests.checklists.supervision_support import build_template, make_checklist
from tests.factories import ChecklistFactory, EventFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
LIST = reverse("checklists:list")
QUEUE = reverse("supervision:queue")


@pytest.fixture
def template(db):
    return build_template()


def main(response) -> str:
    return response.content.decode().split('id="main-content"')[1].split("</main>")[0]


def test_a_second_look_at_the_queue_asks_only_when_it_last_changed(
    page_caching, client_for, supervisor, fca, template, django_assert_num_queries
):
    make_checklist(fca, template, title="First of the week")
    client = client_for(supervisor)
    first = client.get(QUEUE)
    # The session, the user and their teams (no user cache in tests), then when the team's
    # checklists last changed.
    with django_assert_num_queries(4):
        second = client.get(QUEUE)
    assert main(second) == main(first)
    assert "First of the week" in main(second)
    assert second["Cache-Control"].startswith("max-age=0")


def drop_kept_pages(cache) -> None:
    """Delete the shared cache's copies of kept pages, leaving the versions. ':1:' is the key's version."""
    cache.delete_many([key.split(":", 2)[2] for key in list(cache._cache) if ":checklists:page:" in key])


def test_each_process_keeps_its_recent_pages_and_a_purge_still_retires_them(
    page_caching, settings, client_for, supervisor, fca, template, django_assert_num_queries
):
    from django.core.cache import cache

    make_checklist(fca, template, title="First of the week")
    client = client_for(supervisor)
    first = client.get(QUEUE)
    # Lose the shared cache's copy of the page (not the versions): this process still has its own.
    drop_kept_pages(cache)
    with django_assert_num_queries(4):
        assert main(client.get(QUEUE)) == main(first)

    # A purge deletes in bulk, moving no updated_at: its version retires this process's copy too.
    Checklist.objects.filter(title="First of the week").delete()
    retire_pages()
    content = main(client.get(QUEUE))
    assert "First of the week" not in content
    assert "Nothing is waiting for your review" in content

    settings.CHECKLIST_PAGES_KEPT = 0  # and with none kept here, a lost page is rendered again
    client.get(QUEUE)
    drop_kept_pages(cache)
    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUE)
    assert len(queries) > 4  # the listing and its counts, read again


def test_a_newly_submitted_checklist_shows_at_once(page_caching, client_for, supervisor, fca, template):
    client = client_for(supervisor)
    assert "Nothing is waiting for your review" in main(client.get(QUEUE))
    checklist = ChecklistFactory(author=fca, team=fca.memberships.get().team, template=template)
    question = template.questions.get(key="what-happened")
    services.save_answer(checklist=checklist, question=question, value="A new referral", base_revision=0, by=fca)
    services.submit(checklist=checklist, by=fca)
    content = main(client.get(QUEUE))
    assert checklist.title in content
    assert "Waiting for review (1)" in content
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.SUBMITTED


def test_a_change_that_keeps_every_count_still_shows(page_caching, client_for, supervisor, fca, template):
    # A returned checklist renamed by its author: the same counts, a newer change.
    returned = make_checklist(fca, template, status=Checklist.Status.RETURNED, title="Before the hearing")
    client = client_for(supervisor)
    assert "Before the hearing" in main(client.get(QUEUE, {"status": "returned"}))
    returned.title = "After the hearing"
    returned.save()
    content = main(client.get(QUEUE, {"status": "returned"}))
    assert "After the hearing" in content
    assert "Before the hearing" not in content
    assert Checklist.objects.get(pk=returned.pk).title == "After the hearing"


def test_a_renamed_practitioner_shows_at_once(page_caching, client_for, supervisor, fca, template):
    make_checklist(fca, template)
    client = client_for(supervisor)
    client.get(QUEUE)
    fca.first_name, fca.last_name = "Rowan", "Ashby"
    fca.save()
    assert "Rowan Ashby" in main(client.get(QUEUE))


def test_a_new_team_member_can_be_filtered_on_at_once(page_caching, client_for, supervisor, north):
    client = client_for(supervisor)
    client.get(QUEUE)
    newcomer = MembershipFactory(team=north, user__first_name="Nadia", user__last_name="Okafor").user
    content = main(client.get(QUEUE))
    assert f'<option value="{newcomer.pk}">Nadia Okafor ({newcomer.username})</option>' in content


def test_a_supervisor_moved_to_another_team_sees_only_its_queue(
    page_caching, client_for, supervisor, fca, stranger_fca, template
):
    make_checklist(fca, template, title="North team case")
    make_checklist(stranger_fca, template, title="South team case")
    client = client_for(supervisor)
    assert "North team case" in main(client.get(QUEUE))
    membership = supervisor.memberships.get()
    membership.team = stranger_fca.memberships.get().team
    membership.save()
    client = client_for(supervisor)
    content = main(client.get(QUEUE))
    assert "South team case" in content
    assert "North team case" not in content


def test_each_filter_and_page_is_kept_apart(page_caching, client_for, supervisor, fca, other_fca, template):
    make_checklist(fca, template, title="By the first practitioner")
    make_checklist(other_fca, template, title="By the second practitioner")
    client = client_for(supervisor)
    assert "By the second practitioner" in main(client.get(QUEUE))
    filtered = main(client.get(QUEUE, {"practitioner": fca.pk}))
    assert "By the first practitioner" in filtered
    assert "By the second practitioner" not in filtered
    refused = client.get(QUEUE, {"status": "draft"})
    assert refused.status_code == 400
    again = client.get(QUEUE, {"status": "draft"})
    assert again.status_code == 400
    assert "<title>Error: Review queue" in again.content.decode()


def test_waiting_times_move_on_with_the_day(page_caching, client_for, supervisor, fca, template, monkeypatch):
    make_checklist(fca, template, submitted_at=datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC))  # a Monday
    client = client_for(supervisor)
    real_localdate = timezone.localdate

    def on(day):
        # Today is `day`; any other moment's date is worked out as usual.
        return lambda value=None, timezone=None: real_localdate(value, timezone) if value else day

    monkeypatch.setattr(timezone, "localdate", on(datetime.date(2026, 3, 3)))
    assert "1 working day" in main(client.get(QUEUE))
    monkeypatch.setattr(timezone, "localdate", on(datetime.date(2026, 3, 4)))
    assert "2 working days" in main(client.get(QUEUE))


def test_pages_are_never_shared_between_people(page_caching, client_for, fca, other_fca, template):
    # Neither has a checklist, so what the database says about them is the same.
    client = client_for(fca)
    assert f"Welcome, {fca.first_name}" in main(client.get(HOME))
    client = client_for(other_fca)
    content = main(client.get(HOME))
    assert f"Welcome, {other_fca.first_name}" in content
    assert fca.first_name not in content
    ChecklistFactory(author=fca, template=template, title="Only mine")
    client = client_for(other_fca)
    assert "Only mine" not in main(client.get(LIST))
    assert "Only mine" in main(client_for(fca).get(LIST))


def test_an_autosaved_answer_moves_the_checklist_up_the_list(page_caching, client_for, fca, template):
    older = ChecklistFactory(author=fca, template=template, title="Started first")
    ChecklistFactory(author=fca, template=template, title="Started second")
    client = client_for(fca)
    content = main(client.get(LIST))
    assert content.index("Started second") < content.index("Started first")
    question = template.questions.get(key="what-happened")
    services.save_answer(checklist=older, question=question, value="Spoke to the school", base_revision=0, by=fca)
    content = main(client.get(LIST))
    assert content.index("Started first") < content.index("Started second")
    assert older.answers.get().value == "Spoke to the school"


def test_a_deleted_draft_leaves_home_and_the_list(page_caching, client_for, fca, template):
    draft = ChecklistFactory(author=fca, template=template, title="Started in error")
    client = client_for(fca)
    assert "Started in error" in main(client.get(HOME))
    assert "Started in error" in main(client.get(LIST))
    response = client.post(reverse("checklists:delete", kwargs={"pk": draft.pk}))
    assert response.status_code == 302
    assert "Started in error" not in main(client.get(HOME))
    assert "Started in error" not in main(client.get(LIST))
    assert not Checklist.objects.filter(pk=draft.pk).exists()


def test_the_shell_is_fresh_on_a_kept_page(page_caching, client_for, fca, template):
    draft = ChecklistFactory(author=fca, template=template)
    client = client_for(fca)
    client.get(HOME)
    client.post(reverse("checklists:delete", kwargs={"pk": draft.pk}))
    first, second = client.get(HOME), client.get(HOME)
    # The second is the kept page, but it has its own CSP nonce, and the deletion's message was
    # shown once, on the first.
    assert main(first).split("</main>")[0].count("has been deleted") == 1
    assert "has been deleted" not in second.content.decode()
    nonce = 'nonce="'
    assert first.content.decode().split(nonce)[1][:20] != second.content.decode().split(nonce)[1][:20]
    assert not Checklist.objects.filter(pk=draft.pk).exists()


def test_a_draft_being_written_leaves_the_queue_kept(
    page_caching, client_for, supervisor, fca, template, django_assert_num_queries
):
    make_checklist(fca, template)
    draft = ChecklistFactory(author=fca, template=template, status=Checklist.Status.DRAFT)
    client = client_for(supervisor)
    first = client.get(QUEUE)
    question = template.questions.get(key="what-happened")
    services.save_answer(checklist=draft, question=question, value="Still writing", base_revision=0, by=fca)
    with django_assert_num_queries(4):
        assert main(client.get(QUEUE)) == main(first)
    assert draft.answers.get().value == "Still writing"


def test_purged_checklists_leave_the_queue_at_once(page_caching, client_for, supervisor, fca, template):
    old = make_checklist(
        fca,
        template,
        status=Checklist.Status.SIGNED_OFF,
        title="Signed off long ago",
        signed_off_at=timezone.now() - datetime.timedelta(days=800),
    )
    client = client_for(supervisor)
    assert "Signed off long ago" in main(client.get(QUEUE, {"status": "signed_off"}))
    call_command("purge_checklists", stdout=io.StringIO())
    content = main(client.get(QUEUE, {"status": "signed_off"}))
    assert "Signed off long ago" not in content
    assert "No checklists have been signed off yet" in content
    assert not Checklist.objects.filter(pk=old.pk).exists()


def test_a_renamed_team_shows_at_once(page_caching, client_for, supervisor, fca, template):
    make_checklist(fca, template)
    client = client_for(supervisor)
    client.get(QUEUE)
    team = fca.memberships.get().team
    team.name = "North East"
    team.save()
    assert "North East" in main(client.get(QUEUE))


def test_without_a_cache_lifetime_nothing_is_kept(caching, client_for, fca, template, settings):
    settings.CHECKLIST_PAGE_CACHE_SECONDS = 0
    client = client_for(fca)
    client.get(LIST)
    ChecklistFactory(author=fca, template=template, title="Seen straight away")
    assert "Seen straight away" in main(client.get(LIST))
    assert Checklist.objects.filter(author=fca).count() == 1


# --- the review page's answers and comments ----------------------------------------------------------


def review(checklist) -> str:
    return reverse("supervision:review", kwargs={"pk": checklist.pk})


def test_a_second_look_at_a_checklist_reads_no_answers_but_records_the_look(
    page_caching, client_for, supervisor, fca, template, django_assert_num_queries
):
    checklist = make_checklist(fca, template)
    client = client_for(supervisor)
    first = client.get(review(checklist))
    # The session, the user and their teams, the checklist, the look recorded, and the page of the
    # timeline: no answers, no comments and no counting.
    with django_assert_num_queries(6) as queries:
        second = client.get(review(checklist))
    assert [query["sql"].split()[0] for query in queries.captured_queries][-3:] == ["SELECT", "INSERT", "SELECT"]
    assert "School reported" in main(second)

    def answers(response):
        return main(response).split('id="answers"')[1].split("<form")[0]

    assert answers(first) == answers(second)
    assert checklist.events.filter(kind="viewed", actor=supervisor).count() == 2


def test_a_new_comment_shows_on_the_next_look(page_caching, client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template)
    client = client_for(supervisor)
    assert "There are no comments yet." in main(client.get(review(checklist)))
    before = Checklist.objects.get(pk=checklist.pk).updated_at
    response = client.post(
        reverse("supervision:comment", kwargs={"pk": checklist.pk}),
        {"comment-body": "Please say more about the school's view.", "comment-step": ""},
    )
    assert response.status_code == 302
    content = main(client.get(review(checklist)))
    assert "Please say more about the school&#x27;s view." in content
    assert "There are no comments yet." not in content
    assert Checklist.objects.get(pk=checklist.pk).updated_at > before


def test_a_resubmitted_checklist_shows_its_new_answers(page_caching, client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template, answers={"what-happened": "The first account."})
    client = client_for(supervisor)
    services.return_for_reflection(checklist=checklist, by=supervisor, comment="Say more.")
    assert "The first account." in main(client.get(review(checklist)))
    checklist.refresh_from_db()
    answer = checklist.answers.get(question__key="what-happened")
    question = template.questions.get(key="what-happened")
    services.save_answer(
        checklist=checklist, question=question, value="A fuller account.", base_revision=answer.revision, by=fca
    )
    # While it is back with its author, the supervisor still sees the answers as returned.
    assert "A fuller account." not in main(client.get(review(checklist)))
    services.submit(checklist=checklist, by=fca)
    content = main(client.get(review(checklist)))
    assert "A fuller account." in content
    assert "Changed since returned" in content


def test_a_new_content_editor_is_offered_administration_at_once(page_caching, client_for, fca):
    client = client_for(fca)
    assert "Go to content administration" not in main(client.get(HOME))
    # Joining the group changes neither a checklist nor the roster.
    fca.groups.add(ensure_content_editors_group())
    content = main(client.get(HOME))
    assert "Go to content administration" in content
    assert fca.groups.filter(name=CONTENT_EDITORS_GROUP).exists()


def test_a_superusers_queue_shows_a_submission_from_any_team_at_once(
    page_caching, client_for, superuser, stranger_fca, template
):
    client = client_for(superuser)
    assert "Nothing is waiting for your review" in main(client.get(QUEUE))
    checklist = make_checklist(stranger_fca, template, title="From the south")
    content = main(client.get(QUEUE))
    assert "From the south" in content
    assert Checklist.objects.get(pk=checklist.pk).status == Checklist.Status.SUBMITTED


def test_the_answers_are_kept_once_for_every_page_of_the_timeline(
    page_caching, client_for, supervisor, fca, template, django_assert_num_queries
):
    checklist = make_checklist(fca, template)
    for _ in range(25):
        EventFactory(checklist=checklist, kind="viewed", actor=supervisor)
    client = client_for(supervisor)
    client.get(review(checklist))
    # The second page of the timeline reads no answers and no comments either.
    with django_assert_num_queries(6):
        response = client.get(review(checklist), {"timeline": 2})
    assert "School reported" in main(response)
    assert checklist.events.filter(kind="viewed", actor=supervisor).count() == 27


def csrf_tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', main(response))


def test_a_kept_review_page_carries_each_sessions_own_csrf_token(page_caching, supervisor, fca, template):
    checklist = make_checklist(fca, template)
    browsers = []
    for _ in range(2):  # two browsers: two sessions, each with its own CSRF secret, one kept page
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(supervisor)
        page = browser.get(review(checklist))
        assert "<!--shell:" not in page.content.decode()
        browsers.append((browser, csrf_tokens(page)))
    # One token in each of the page's forms: comment, sign off, return and discussion.
    assert [len(tokens) for _, tokens in browsers] == [4, 4]
    for number, (browser, tokens) in enumerate(reversed(browsers), start=1):
        response = browser.post(
            reverse("supervision:comment", kwargs={"pk": checklist.pk}),
            {"csrfmiddlewaretoken": tokens[0], "comment-body": f"Comment {number}.", "comment-step": ""},
        )
        assert response.status_code == 302
    assert list(checklist.comments.order_by("created_at").values_list("body", flat=True)) == [
        "Comment 1.",
        "Comment 2.",
    ]


def test_a_recorded_discussion_shows_at_once(page_caching, client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template)
    client = client_for(supervisor)
    assert "Not recorded" in main(client.get(review(checklist)))
    response = client.post(
        reverse("supervision:discussed", kwargs={"pk": checklist.pk}),
        {"discussed-day": "3", "discussed-month": "11", "discussed-year": "2026"},
    )
    assert response.status_code == 302
    content = main(client.get(review(checklist)))
    assert "Not recorded" not in content
    assert "Recorded as 3 November 2026." in content
    assert Checklist.objects.get(pk=checklist.pk).discussed_on == datetime.date(2026, 11, 3)


def test_what_was_typed_into_a_refused_form_is_shown_once_and_never_kept(
    page_caching, client_for, supervisor, fca, template
):
    checklist = make_checklist(fca, template)
    client = client_for(supervisor)
    client.get(review(checklist))  # kept
    refused = client.post(
        reverse("supervision:return", kwargs={"pk": checklist.pk}),
        {"return-body": "Say more about the school.", "return-step": "not-a-step"},
    )
    assert refused.status_code == 400
    assert "Choose the whole checklist or one of its steps" in main(refused)
    assert "Say more about the school." in main(refused)
    assert len(csrf_tokens(refused)) == 4
    again = main(client.get(review(checklist)))
    assert "Say more about the school." not in again
    assert "There is a problem" not in again
    assert Checklist.objects.get(pk=checklist.pk).status == Checklist.Status.SUBMITTED
    assert not checklist.comments.exists()


def draft_of(fca, template, **answers):
    checklist = ChecklistFactory(author=fca, team=fca.memberships.get().team, template=template)
    for key, value in answers.items():
        question = template.questions.get(key=key)
        services.save_answer(checklist=checklist, question=question, value=value, base_revision=0, by=fca)
    checklist.refresh_from_db()
    return checklist


def test_a_second_look_at_a_step_reads_no_answers(page_caching, client_for, fca, template, django_assert_num_queries):
    checklist = draft_of(fca, template, **{"what-happened": "The school called."})
    client = client_for(fca)
    first = client.get(checklist.get_step_url(1))
    # The session, the user with their roles, and the checklist inside the request's savepoint: no
    # answers, comments or structure.
    with django_assert_num_queries(5):
        second = client.get(checklist.get_step_url(1))
    assert "The school called." in main(second)
    assert re.sub(r'value="[^"]{20,}"|"X-CSRFToken": "[^"]+"', "", main(first)) == re.sub(
        r'value="[^"]{20,}"|"X-CSRFToken": "[^"]+"', "", main(second)
    )
    assert "<!--shell:" not in second.content.decode()


def test_a_kept_step_saves_from_another_session(page_caching, fca, template):
    checklist = draft_of(fca, template, **{"what-happened": "The school called."})
    browsers = []
    for _ in range(2):  # the second browser is served the step kept for the first
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(fca)
        html = main(browser.get(checklist.get_step_url(1)))
        header = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
        browsers.append((browser, csrf_tokens(browser.get(checklist.get_step_url(1))), header))
    browser, tokens, header = browsers[1]
    revision = checklist.answers.get(question__key="what-happened").revision
    # The autosave request carries the token in htmx's header, as the page's script sends it.
    response = browser.post(
        reverse("checklists:autosave", kwargs={"pk": checklist.pk}),
        {
            "question": template.questions.get(key="what-happened").pk,
            "q-what-happened": "The school called twice.",
            "revision-what-happened": revision,
        },
        HTTP_X_CSRFTOKEN=header,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert checklist.answers.get(question__key="what-happened").value == "The school called twice."
    response = browser.post(
        checklist.get_step_url(1),
        {
            "csrfmiddlewaretoken": tokens[0],
            "q-what-happened": "The school called three times.",
            "revision-what-happened": revision + 1,
            "action": "continue",
        },
    )
    assert response.status_code == 302
    assert checklist.answers.get(question__key="what-happened").value == "The school called three times."


def test_a_saved_answer_shows_on_the_next_look_at_its_step(page_caching, client_for, fca, template):
    checklist = draft_of(fca, template, **{"what-happened": "The first account."})
    client = client_for(fca)
    assert "The first account." in main(client.get(checklist.get_step_url(1)))
    question = template.questions.get(key="what-happened")
    services.save_answer(checklist=checklist, question=question, value="A fuller account.", base_revision=1, by=fca)
    content = main(client.get(checklist.get_step_url(1)))
    assert "A fuller account." in content
    assert 'name="revision-what-happened" value="2"' in content
    assert checklist.answers.get(question__key="what-happened").revision == 2


def test_a_refused_submit_marks_the_missing_answers_on_a_kept_step(page_caching, client_for, fca, template):
    checklist = draft_of(fca, template)
    client = client_for(fca)
    assert "Answer this question before you submit" not in main(client.get(checklist.get_step_url(1)))
    response = client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    assert response.status_code == 400
    step = client.get(checklist.get_step_url(1))
    assert "Answer this question before you submit the checklist." in main(step)
    assert "<title>Error: " in step.content.decode()
    assert Checklist.objects.get(pk=checklist.pk).status == Checklist.Status.DRAFT


def test_a_supervisors_new_comment_shows_on_the_returned_step(page_caching, client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template)
    services.return_for_reflection(checklist=checklist, by=supervisor, comment="Say more about the school.")
    client = client_for(fca)
    assert "Say more about the school." in main(client.get(checklist.get_step_url(1)))
    checklist.refresh_from_db()
    services.add_comment(checklist=checklist, by=supervisor, body="And about the neighbour.")
    content = main(client.get(checklist.get_step_url(1)))
    assert "And about the neighbour." in content
    assert checklist.comments.count() == 2
