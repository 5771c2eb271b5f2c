"""The review page: who may open it, what it shows, what changed since a return, and the audit of views."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Membership
from casestudies.models import CaseStudy, LearningPoint
from checklists import services
from checklists.models import Checklist, Event
from guidance.models import KeyFact, KnowledgeBite, PracticePoint, Theme
from tests.factories import CommentFactory, EventFactory, MembershipFactory, QuestionFactory, StepFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import build_template, days_ago, make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template


def review_url(checklist):
    return reverse("supervision:review", kwargs={"pk": checklist.pk})


def views_of(checklist):
    return checklist.events.filter(kind=Event.Kind.VIEWED)


# --- who can open it --------------------------------------------------------------------------------


def test_it_sends_anonymous_people_to_sign_in(client, submitted):
    response = client.get(review_url(submitted))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not views_of(submitted).exists()


@pytest.mark.parametrize("persona", ["other_fca", "stranger_fca", "other_supervisor", "editor"])
def test_it_hides_the_checklist_from_everyone_else(client_for, submitted, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(review_url(submitted))
    assert response.status_code == 404
    assert submitted.case_reference.encode() not in response.content
    assert not views_of(submitted).exists()


def test_it_hides_a_draft_from_the_supervisor(client_for, supervisor, fca, template):
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    response = client_for(supervisor).get(review_url(draft))
    assert response.status_code == 404
    assert not views_of(draft).exists()


def test_it_hides_a_draft_from_a_superuser_too(client_for, superuser, fca, template):
    draft = make_checklist(fca, template, status=Checklist.Status.DRAFT)
    assert client_for(superuser).get(review_url(draft)).status_code == 404


def test_it_tells_the_author_they_cannot_review_their_own(client_for, fca, submitted):
    response = client_for(fca).get(review_url(submitted))
    assert response.status_code == 403
    assert b"You cannot review your own checklist" in response.content
    assert submitted.get_absolute_url().encode() in response.content
    assert not views_of(submitted).exists()


def test_an_author_who_supervises_their_team_still_cannot_review_their_own(client_for, north, template):
    from tests.factories import UserFactory

    practising_supervisor = UserFactory()
    MembershipFactory(user=practising_supervisor, team=north, role=Membership.Role.SUPERVISOR)
    own = make_checklist(practising_supervisor, template, team=north)
    assert client_for(practising_supervisor).get(review_url(own)).status_code == 403


def test_it_404s_for_an_unknown_checklist(client_for, supervisor):
    response = client_for(supervisor).get("/supervision/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_the_supervisor_can_open_it_and_it_is_never_cached(client_for, supervisor, submitted):
    response = client_for(supervisor).get(review_url(submitted))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    # The case number is on the page, but never in the page title (kept in browser history).
    title = response.content.split(b"<title>")[1].split(b"</title>")[0]
    assert submitted.case_reference.encode() not in title


def test_a_superuser_can_open_any_teams_checklist(client_for, superuser, submitted):
    assert client_for(superuser).get(review_url(submitted)).status_code == 200


def test_a_supervisor_of_two_teams_reviews_each_teams_checklists(client_for, supervisor, south, template):
    from django.utils import timezone

    from tests.factories import UserFactory

    MembershipFactory(user=supervisor, team=south, role=Membership.Role.SUPERVISOR)
    southerner = UserFactory(first_name="Sam", last_name="Southwell")
    MembershipFactory(user=southerner, team=south, role=Membership.Role.PRACTITIONER)
    checklist = make_checklist(southerner, template, team=south)
    submitted_at = timezone.make_aware(timezone.datetime(2026, 3, 3, 14, 5), timezone.get_current_timezone())
    Checklist.objects.filter(pk=checklist.pk).update(submitted_at=submitted_at)

    response = client_for(supervisor).get(review_url(checklist))

    assert response.status_code == 200
    content = response.content.decode()
    # The author, their team and the template, read with the checklist in one query.
    assert "Sam Southwell, South" in content
    assert f"{template.title} (version {template.version})" in content
    assert '<time datetime="2026-03-03T14:05:00+00:00">' in content
    assert views_of(checklist).get().actor == supervisor


def test_a_supervisor_cannot_open_a_checklist_from_a_team_they_only_belong_to(client_for, fca, south, template):
    from tests.factories import UserFactory

    # fca practises in North; make them supervise South, and ask for a colleague's North checklist.
    MembershipFactory(user=fca, team=south, role=Membership.Role.SUPERVISOR)
    colleague = UserFactory()
    MembershipFactory(user=colleague, team=fca.memberships.get(role=Membership.Role.PRACTITIONER).team)
    checklist = make_checklist(colleague, template, team=colleague.memberships.get().team)
    response = client_for(fca).get(review_url(checklist))
    assert response.status_code == 404
    assert not views_of(checklist).exists()


# --- audit of views ---------------------------------------------------------------------------------


def test_every_view_by_the_supervisor_goes_on_the_timeline(client_for, supervisor, submitted):
    client = client_for(supervisor)
    client.get(review_url(submitted))
    client.get(review_url(submitted))
    assert list(views_of(submitted).values_list("actor", flat=True)) == [supervisor.pk, supervisor.pk]


def test_a_superusers_view_goes_on_the_timeline(client_for, superuser, submitted):
    client_for(superuser).get(review_url(submitted))
    assert views_of(submitted).get().actor == superuser


# --- what it shows ----------------------------------------------------------------------------------


def test_it_shows_the_answers_by_step_with_the_questions_as_worded(client_for, supervisor, submitted):
    response = client_for(supervisor).get(review_url(submitted))
    content = response.content.decode()
    assert "Step 1" in content and "What? The information" in content
    assert "What is the new information?" in content
    assert "School reported a bruise on the child&#x27;s arm on Monday." in content
    # Choices are shown by their labels, not their stored values.
    assert "Domestic abuse" in content and "Substance misuse" in content
    assert "Not sure" in content
    assert content.index("What? The information") < content.index("So what? Safety now")


def test_it_shows_the_wording_of_the_version_the_fca_answered(client_for, supervisor, submitted, template):
    # A later version rewords the question; this checklist keeps the words its author read.
    newer = build_template(slug=template.slug, version=2, status="draft")
    newer.questions.filter(key="what-happened").update(text="Describe what you have been told.")
    response = client_for(supervisor).get(review_url(submitted))
    assert b"What is the new information?" in response.content
    assert b"Describe what you have been told." not in response.content


def test_it_says_when_a_question_was_not_answered(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template, answers={"what-happened": "Something new."})
    response = client_for(supervisor).get(review_url(checklist))
    assert response.content.count(b"Not answered") == 2


def test_it_shows_the_prompts_the_answers_set_off_and_not_the_others(client_for, supervisor, submitted):
    response = client_for(supervisor).get(review_url(submitted))
    assert b"Risks interact" in response.content
    assert b"Where these risks occur together" in response.content
    assert b"Parental mental health prompt" not in response.content


def test_it_shows_the_guidance_linked_to_each_step(client_for, supervisor, submitted, template):
    bite = KnowledgeBite.objects.create(slug="annual-report", title="Annual report", source_report="Panel report")
    theme = Theme.objects.create(knowledge_bite=bite, number=4, slug="changing-risk", title="Changing risk")
    point = PracticePoint.objects.create(
        theme=theme, key="wswtw", title="What? So What? Then What?", body="Use it for **every** new piece."
    )
    fact = KeyFact.objects.create(
        knowledge_bite=bite, key="da", group="Risks", label="Domestic abuse", value=Decimal("42.6"), unit="%"
    )
    study = CaseStudy.objects.create(
        knowledge_bite=bite, slug="child-y", title="Child Y", partnership="P", review_type="LCSPR", summary="S"
    )
    learning = LearningPoint.objects.create(case_study=study, key="curiosity", text="Be professionally curious.")
    step = template.steps.get(number=1)
    step.practice_points.add(point)
    step.key_facts.add(fact)
    step.learning_points.add(learning)
    response = client_for(supervisor).get(review_url(submitted))
    content = response.content.decode()
    # Practice points are the same on every checklist: their titles link to the guidance.
    assert f'<a class="govuk-link" href="{point.get_absolute_url()}">What? So What? Then What?</a>' in content
    assert "<strong>every</strong>" not in content
    assert "42.6%" in content
    assert '<h4 class="govuk-heading-s">Figures from the Panel</h4>' in content and "Key facts" not in content
    assert "Child Y" in content and "Be professionally curious." in content


def test_it_shows_comments_next_to_their_step_and_general_ones_apart(client_for, supervisor, submitted, template):
    step = template.steps.get(number=2)
    CommentFactory(checklist=submitted, author=supervisor, step=step, body="Say more about safety tonight.")
    CommentFactory(checklist=submitted, author=supervisor, body="A thoughtful reflection overall.")
    content = client_for(supervisor).get(review_url(submitted)).content.decode()
    assert content.index("So what? Safety now") < content.index("Say more about safety tonight.")
    assert content.index('id="comments"') < content.index("A thoughtful reflection overall.")
    assert "Comments (2)" in content


def test_it_escapes_what_people_typed(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template, answers={"what-happened": "<script>alert(1)</script>"})
    CommentFactory(checklist=checklist, author=supervisor, body="<img src=x onerror=alert(1)>")
    content = client_for(supervisor).get(review_url(checklist)).content
    assert b"<script>alert(1)</script>" not in content
    assert b"<img src=x" not in content
    assert b"&lt;script&gt;" in content


def test_it_shows_the_timeline_with_who_and_when(client_for, supervisor, submitted):
    response = client_for(supervisor).get(review_url(submitted))
    content = response.content.decode()
    assert 'class="moj-timeline"' in content
    assert content.count('class="moj-timeline__item"') == 3  # started, submitted, and this view
    assert "Submitted for review" in content and "Started" in content and "Viewed" in content
    assert f"by {submitted.author}" in content
    assert '<time datetime="' in content


def test_the_timeline_shows_each_event_as_it_was_and_people_by_their_current_names(client_for, supervisor, submitted):
    from django.utils import timezone

    when = timezone.make_aware(timezone.datetime(2026, 7, 1, 9, 30), timezone.get_current_timezone())
    EventFactory(checklist=submitted, kind=Event.Kind.DISCUSSED, actor=supervisor, detail="On 30 June 2026")
    Event.objects.filter(checklist=submitted, kind=Event.Kind.DISCUSSED).update(created_at=when)
    client = client_for(supervisor)
    first = client.get(review_url(submitted)).content.decode()
    # British Summer Time: 9:30 in London is 8:30 UTC.
    assert '<time datetime="2026-07-01T09:30:00+01:00">1 July 2026 at 9:30am</time>' in first
    assert "On 30 June 2026" in first

    supervisor.first_name, supervisor.last_name = "Renamed", "Person"
    supervisor.save()
    second = client.get(review_url(submitted)).content.decode()
    timeline = second.split('id="timeline"')[1]
    assert timeline.count("by Renamed Person") == 3  # the discussion and both looks
    assert "On 30 June 2026" in timeline
    assert views_of(submitted).filter(actor=supervisor).count() == 2


def test_the_timeline_is_paginated(client_for, supervisor, submitted):
    for _ in range(30):
        EventFactory(checklist=submitted, kind=Event.Kind.VIEWED, actor=supervisor)
    client = client_for(supervisor)
    first = client.get(review_url(submitted))
    assert first.content.count(b'class="moj-timeline__item"') == 20
    assert b"Older events" in first.content
    second = client.get(review_url(submitted), {"timeline": 2})
    assert second.content.count(b'class="moj-timeline__item"') == 14  # 2 + 30 + 2 views, minus the first 20
    assert f'href="{review_url(submitted)}?timeline=1#timeline"'.encode() in second.content
    assert b"Newer events" in second.content and b"Older events" not in second.content


@pytest.mark.parametrize("page", ["9", "0", "-3", "two", ""])
def test_a_timeline_page_that_does_not_exist_shows_the_newest_events(client_for, supervisor, submitted, page):
    for _ in range(30):
        EventFactory(checklist=submitted, kind=Event.Kind.VIEWED, actor=supervisor)
    response = client_for(supervisor).get(review_url(submitted), {"timeline": page})
    assert response.status_code == 200
    assert response.content.count(b'class="moj-timeline__item"') == 20
    assert b"Older events" in response.content and b"Newer events" not in response.content
    # The look was recorded all the same.
    assert submitted.events.filter(kind=Event.Kind.VIEWED, actor=supervisor).count() == 31


def test_it_offers_return_and_sign_off_only_while_submitted(client_for, supervisor, fca, template):
    client = client_for(supervisor)
    waiting = make_checklist(fca, template)
    content = client.get(review_url(waiting)).content
    assert reverse("supervision:decide", kwargs={"pk": waiting.pk}).encode() in content
    assert b"What do you want to do?" in content
    for status in (Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF):
        other = make_checklist(fca, template, status=status)
        content = client.get(review_url(other)).content
        assert reverse("supervision:decide", kwargs={"pk": other.pk}).encode() not in content
        assert b"What do you want to do?" not in content
        assert reverse("supervision:discussed", kwargs={"pk": other.pk}).encode() in content


def test_it_shows_overdue_on_a_long_wait(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template, submitted_at=days_ago(14))
    response = client_for(supervisor).get(review_url(checklist))
    assert b'govuk-tag--red">Overdue' in response.content


# --- what changed since the last return -------------------------------------------------------------


def _return_and_resubmit(checklist, supervisor, fca, changes):
    services.return_for_reflection(checklist=checklist, by=supervisor, comment="Tell me more.")
    checklist.refresh_from_db()
    for key, value in changes.items():
        question = checklist.template.questions.get(key=key)
        answer = checklist.answers.filter(question=question).first()
        services.save_answer(
            checklist=checklist, question=question, value=value, base_revision=answer.revision if answer else 0, by=fca
        )
    services.submit(checklist=checklist, by=fca)


def test_it_marks_answers_changed_since_the_return_and_shows_what_they_said(client_for, supervisor, fca, submitted):
    _return_and_resubmit(
        submitted, supervisor, fca, {"what-happened": "School reported a bruise; the child explained."}
    )
    response = client_for(supervisor).get(review_url(submitted))
    content = response.content.decode()
    assert content.count("Changed since returned") == 1
    assert "1 answer changed after the checklist was returned" in content
    assert "School reported a bruise; the child explained." in content
    assert "What it said when it was returned" in content
    assert "School reported a bruise on the child&#x27;s arm on Monday." in content
    assert 'href="#question-what-happened"' in content


def test_it_counts_a_newly_answered_question_as_changed(client_for, supervisor, fca, template):
    checklist = make_checklist(fca, template, answers={"what-happened": "New information."})
    _return_and_resubmit(checklist, supervisor, fca, {"safe-now": "yes"})
    content = client_for(supervisor).get(review_url(checklist)).content.decode()
    assert content.count("Changed since returned") == 1
    row = content[content.index('id="question-safe-now"') :]
    assert "Not answered" in row[: row.index("</details>")]


def test_it_says_when_nothing_changed_since_the_return(client_for, supervisor, fca, submitted):
    _return_and_resubmit(submitted, supervisor, fca, {})
    content = client_for(supervisor).get(review_url(submitted)).content.decode()
    assert "No answers changed after the checklist was returned" in content
    assert "Changed since returned" not in content


def test_it_shows_no_change_markers_before_any_return(client_for, supervisor, submitted):
    content = client_for(supervisor).get(review_url(submitted)).content.decode()
    assert "Changed since returned" not in content
    assert "What changed since you returned it" not in content


def test_while_returned_it_shows_the_answers_as_returned_not_work_in_progress(client_for, supervisor, fca, submitted):
    services.return_for_reflection(checklist=submitted, by=supervisor, comment="Tell me more.")
    submitted.refresh_from_db()
    question = submitted.template.questions.get(key="what-happened")
    answer = submitted.answers.get(question=question)
    services.save_answer(
        checklist=submitted, question=question, value="Half-written new thinking", base_revision=answer.revision, by=fca
    )
    content = client_for(supervisor).get(review_url(submitted)).content.decode()
    assert "Half-written new thinking" not in content
    assert "School reported a bruise on the child&#x27;s arm on Monday." in content
    assert "back with" in content


# --- queries ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 50])
def test_the_review_page_takes_the_same_number_of_queries_for_1_or_50(
    client_for, supervisor, fca, template, count, django_assert_num_queries, plus_session
):
    step = template.steps.get(number=2)
    for index in range(count):
        StepFactory(template=template, number=10 + index)
        QuestionFactory(step=step, key=f"extra-{index}", order=10 + index)
    checklist = make_checklist(fca, template, answers={q.key: "An answer" for q in template.questions.all()})
    for _ in range(count):
        CommentFactory(checklist=checklist, author=supervisor, step=step)
        CommentFactory(checklist=checklist, author=supervisor)
        EventFactory(checklist=checklist, kind=Event.Kind.COMMENTED, actor=supervisor)
    client = client_for(supervisor)
    # The same exact count for 1 or 50 steps, answers, comments and events.
    with django_assert_num_queries(plus_session(18)):
        response = client.get(review_url(checklist))
    assert response.status_code == 200
    assert checklist.events.filter(kind=Event.Kind.VIEWED, actor=supervisor).count() == 1


def test_timeline_links_still_work_after_a_form_error(client_for, supervisor, submitted):
    for _ in range(25):
        EventFactory(checklist=submitted, kind=Event.Kind.VIEWED, actor=supervisor)
    response = client_for(supervisor).post(reverse("supervision:discussed", kwargs={"pk": submitted.pk}), {})
    assert response.status_code == 400
    assert f'href="{review_url(submitted)}?timeline=2#timeline"'.encode() in response.content
