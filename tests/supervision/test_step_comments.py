"""Comments beside each step of the review page: added in place with htmx, or by a plain post that
comes back to the step. Errors show beside the box, and nothing is saved."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists.models import Checklist, Comment, Event
from tests.factories import CommentFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import make_checklist, snapshot

pytestmark = pytest.mark.django_db

# Shared fixtures.
submitted = supervision_support.submitted
template = supervision_support.template

HTMX = {"HTTP_HX_REQUEST": "true"}


def comment_url(checklist):
    return reverse("supervision:comment", kwargs={"pk": checklist.pk})


def review_url(checklist):
    return reverse("supervision:review", kwargs={"pk": checklist.pk})


@pytest.fixture
def step_two(template):
    return template.steps.get(number=2)


def send(client, checklist, step, body, **headers):
    return client.post(comment_url(checklist), {"comment-body": body, "comment-step": step.pk}, **headers)


# --- on the review page -----------------------------------------------------------------------------


def test_each_step_has_its_own_comment_form_that_also_works_without_javascript(client_for, supervisor, submitted):
    content = client_for(supervisor).get(review_url(submitted)).content.decode()
    for step in submitted.template.steps.all():
        # Its own ids, the step in a hidden field, htmx's target, and a plain action to post to.
        assert f'id="step-{step.number}-comments"' in content
        assert f'id="step-{step.number}-comment-body"' in content
        hidden = f'<input type="hidden" name="comment-step" value="{step.pk}" id="step-{step.number}-comment-step">'
        assert hidden in content
        assert f'hx-target="#step-{step.number}-comments"' in content
        assert f"Your comment on step {step.number}" in content
    assert content.count(f'action="{comment_url(submitted)}"') == 2
    assert content.count(f'hx-post="{comment_url(submitted)}"') == 2
    # The whole-checklist comment form and the separate return and sign-off forms are gone.
    assert 'name="comment-step" id=' not in content
    assert "return-body" not in content and "signoff-body" not in content


def test_a_signed_off_checklist_shows_its_comments_but_no_form(client_for, supervisor, fca, template, step_two):
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    CommentFactory(checklist=signed_off, author=supervisor, step=step_two, body="Well evidenced.")
    content = client_for(supervisor).get(review_url(signed_off)).content.decode()
    assert "Well evidenced." in content
    assert 'name="comment-body"' not in content
    assert "Add a comment" not in content


# --- in place, with htmx ----------------------------------------------------------------------------


def test_an_htmx_comment_is_saved_and_answered_with_the_steps_comments(client_for, supervisor, submitted, step_two):
    CommentFactory(checklist=submitted, author=supervisor, step=step_two, body="An earlier thought.")
    response = send(client_for(supervisor), submitted, step_two, "  Ask the school too.  ", **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    # Only the step's block: no page around it.
    assert content.lstrip().startswith('<div id="step-2-comments" data-step-comments>')
    assert "<html" not in content and "Timeline" not in content
    assert content.index("An earlier thought.") < content.index("Ask the school too.")
    assert "Your comment on step 2 has been added." in content
    assert "Step comment</strong> from" in content
    # A fresh, empty box for the next comment.
    assert 'id="step-2-comment-body"' in content and "govuk-textarea--error" not in content
    comment = submitted.comments.latest("id")
    assert (comment.body, comment.step, comment.author, comment.kind) == (
        "Ask the school too.",
        step_two,
        supervisor,
        Comment.Kind.COMMENT,
    )
    assert list(submitted.events.filter(kind=Event.Kind.COMMENTED).values_list("detail", flat=True)) == ["On step 2"]
    submitted.refresh_from_db()
    assert submitted.status == Checklist.Status.SUBMITTED


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "Enter your comment"),
        ("  \r\n ", "Enter your comment"),
        ("x" * 5001, "Your comment is 5,001 characters. It must be 5,000 characters or fewer"),
    ],
)
def test_an_htmx_comment_that_is_empty_or_too_long_is_refused_in_place(
    client_for, supervisor, submitted, step_two, body, message
):
    before = snapshot(submitted)
    response = send(client_for(supervisor), submitted, step_two, body, **HTMX)
    assert response.status_code == 400
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="step-2-comments"')
    # GOV.UK's error markup beside the box, with the details open so that it can be seen.
    assert "govuk-form-group--error" in content
    assert (
        f'<p id="step-2-comment-body-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {message}</p>'
    ) in content
    assert "govuk-textarea--error" in content
    assert 'aria-describedby="step-2-comment-body-info step-2-comment-body-error"' in content
    assert '<details class="govuk-details govuk-!-margin-bottom-4" open>' in content
    if body.strip():
        assert body[:100] in content
    assert snapshot(submitted) == before


def test_an_htmx_comment_on_a_checklist_signed_off_meanwhile_says_so_in_place(
    client_for, supervisor, fca, template, step_two
):
    signed_off = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF)
    before = snapshot(signed_off)
    response = send(client_for(supervisor), signed_off, step_two, "Too late.", **HTMX)
    assert response.status_code == 409
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="step-2-comments"')
    assert "has been signed off, so it can no longer be commented on" in content
    assert 'name="comment-body"' not in content
    assert snapshot(signed_off) == before


@pytest.mark.parametrize("persona", ["other_fca", "stranger_fca", "other_supervisor", "editor"])
def test_an_htmx_comment_from_someone_who_cannot_see_the_checklist_is_a_404(
    client_for, submitted, step_two, persona, request
):
    before = snapshot(submitted)
    response = send(client_for(request.getfixturevalue(persona)), submitted, step_two, "Hello", **HTMX)
    assert response.status_code == 404
    assert snapshot(submitted) == before


def test_an_htmx_comment_from_the_author_is_a_403(client_for, fca, submitted, step_two):
    before = snapshot(submitted)
    assert send(client_for(fca), submitted, step_two, "My own", **HTMX).status_code == 403
    assert snapshot(submitted) == before


def test_the_fragment_takes_the_same_queries_for_1_or_50_comments(client_for, supervisor, fca, template, step_two):
    counts = []
    for count in (1, 50):
        checklist = make_checklist(fca, template)
        for _ in range(count):
            CommentFactory(checklist=checklist, author=supervisor, step=step_two)
        client = client_for(supervisor)
        with CaptureQueriesContext(connection) as queries:
            assert send(client, checklist, step_two, "One more", **HTMX).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] > 0


def test_an_htmx_comment_updates_the_pages_count_of_comments_out_of_band(client_for, supervisor, submitted, step_two):
    client = client_for(supervisor)
    page = client.get(review_url(submitted)).content.decode()
    assert '<a class="govuk-link" id="review-comment-count" href="#comments">Comments (0)</a>' in page
    assert "There are no comments yet." in page[page.index('<div id="review-comments-note">') :]
    content = send(client, submitted, step_two, "Ask the school.", **HTMX).content.decode()
    # The step's block, then the count and the note of the Comments section, swapped by their ids.
    count = '<a class="govuk-link" id="review-comment-count" href="#comments" hx-swap-oob="true">Comments (1)</a>'
    assert content.index('<div id="step-2-comments"') < content.index(count)
    note = content[content.index('<div id="review-comments-note" hx-swap-oob="true">') :]
    assert "Comments about a step are shown with that step's answers above." in note
    assert "There are no comments yet." not in content
    assert submitted.comments.count() == 1
    CommentFactory(checklist=submitted, author=supervisor, body="On the whole checklist.")
    content = send(client, submitted, step_two, "And the GP.", **HTMX).content.decode()
    assert 'hx-swap-oob="true">Comments (3)</a>' in content
    assert submitted.comments.count() == 3
    assert "Comments (3)</a>" in client.get(review_url(submitted)).content.decode()


def test_a_refused_htmx_comment_changes_no_count(client_for, supervisor, submitted, step_two):
    response = send(client_for(supervisor), submitted, step_two, "", **HTMX)
    assert response.status_code == 400
    assert "hx-swap-oob" not in response.content.decode()
    assert not submitted.comments.exists()


# --- without JavaScript -----------------------------------------------------------------------------


def test_without_javascript_a_comment_comes_back_to_its_step(client_for, supervisor, submitted, step_two):
    client = client_for(supervisor)
    response = send(client, submitted, step_two, "Say more about the father.")
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(submitted)}#step-2"
    comment = submitted.comments.get()
    assert (comment.body, comment.step, comment.kind) == ("Say more about the father.", step_two, Comment.Kind.COMMENT)
    page = client.get(response["Location"]).content.decode()
    assert "Your comment has been added." in page
    assert page.index('id="step-2"') < page.index("Say more about the father.") < page.index('id="comments"')


def test_without_javascript_a_refused_comment_shows_the_page_with_the_error_at_its_step(
    client_for, supervisor, submitted, step_two
):
    before = snapshot(submitted)
    response = send(client_for(supervisor), submitted, step_two, "")
    assert response.status_code == 400
    content = response.content.decode()
    assert "<title>Error: Review checklist" in content
    assert '<a href="#step-2-comment-body">Enter your comment</a>' in content
    assert content.index('id="step-2"') < content.index('id="step-2-comment-body-error"')
    assert snapshot(submitted) == before
