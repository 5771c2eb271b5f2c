"""Actions where a checklist is read: check your answers, the checklist page, the PDF and the timeline."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Action
from checklists.models import Checklist, Event
from tests.factories import ActionFactory, ChecklistFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


def add_action(client, checklist, description, *, owner="me", agency_role="", due=NEXT_WEEK):
    """Add an action through the action form, as the FCA would."""
    response = client.post(
        reverse("actions:add", kwargs={"pk": checklist.pk, "key": "then-what"}),
        {
            "description": description,
            "owner": owner,
            "agency_role": agency_role,
            "due_on.day": due.day,
            "due_on.month": due.month,
            "due_on.year": due.year,
        },
    )
    assert response.status_code == 302, response.content.decode()
    return Action.objects.get(checklist=checklist, description=description)


@pytest.fixture
def with_actions(client_for, fca, draft):
    client = client_for(fca)
    add_action(
        client, draft, "Ask the health visitor about missed appointments", owner="agency", agency_role="Health visitor"
    )
    add_action(client, draft, "Talk to my supervisor about a referral", owner="supervisor", due=TODAY)
    return draft


def between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_check_your_answers_shows_each_action_under_its_question(client_for, fca, with_actions):
    html = client_for(fca).get(reverse("checklists:check", kwargs={"pk": with_actions.pk})).content.decode()

    row = between(html, "What will you do next?</dt>", "</dd>")
    assert "Ask the health visitor about missed appointments" in row
    assert "Health visitor" in row and f"{NEXT_WEEK:%-d %b %Y}" in row
    assert "Talk to my supervisor about a referral" in row and "My supervisor" in row
    assert row.count('govuk-tag--blue">Open') == 2
    # The soonest due comes first.
    assert row.index("Talk to my supervisor") < row.index("Ask the health visitor")
    # The first step's question takes no actions, so nothing about actions is said there.
    assert "No actions added" not in between(html, "What happened?</dt>", "</dd>")


def test_check_your_answers_says_when_an_action_question_has_none(client_for, fca, draft):
    html = client_for(fca).get(reverse("checklists:check", kwargs={"pk": draft.pk})).content.decode()
    assert "No actions added" in between(html, "What will you do next?</dt>", "</dd>")


def test_the_checklist_page_shows_each_action_with_where_it_stands(client_for, fca, supervisor, with_actions):
    Checklist.objects.filter(pk=with_actions.pk).update(status=Checklist.Status.SUBMITTED, submitted_at=timezone.now())
    done = Action.objects.get(description__startswith="Talk to my supervisor")
    Action.objects.filter(pk=done.pk).update(status=Action.Status.DONE, closed_on=TODAY, note="Agreed to refer.")
    Action.objects.filter(description__startswith="Ask the health").update(due_on=TODAY - datetime.timedelta(days=3))

    for person in (fca, supervisor):
        html = client_for(person).get(with_actions.get_absolute_url()).content.decode()
        row = between(html, "What will you do next?</dt>", "</dd>")
        assert "Ask the health visitor about missed appointments" in row
        assert "Overdue by 3 days" in row
        assert "Done" in row and f"On {TODAY:%-d %b %Y}: Agreed to refer." in row


def test_an_action_carried_forward_says_so(client_for, fca, action_template, draft):
    earlier = ChecklistFactory(template=action_template, author=fca, case_reference=draft.case_reference)
    Checklist.objects.filter(pk=earlier.pk).update(created_at=timezone.now() - datetime.timedelta(days=7))
    source = ActionFactory(checklist=earlier, question=action_template.questions.get(key="then-what"))
    ActionFactory(checklist=draft, question=source.question, description="Carried over", carried_from=source)
    Action.objects.filter(pk=source.pk).update(status=Action.Status.CARRIED_FORWARD, closed_on=TODAY)

    html = client_for(fca).get(reverse("checklists:check", kwargs={"pk": draft.pk})).content.decode()
    assert "Carried forward from an earlier reflection" in between(html, "What will you do next?</dt>", "</dd>")
    earlier_page = client_for(fca).get(earlier.get_absolute_url()).content.decode()
    row = between(earlier_page, "What will you do next?</dt>", "</dd>")
    assert "Carried forward" in row and f"On {TODAY:%-d %b %Y}" not in row


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_lists_the_actions_with_who_when_and_status(client_for, fca, with_actions):
    Action.objects.filter(description__startswith="Ask the health").update(due_on=TODAY - datetime.timedelta(days=2))
    response = client_for(fca).get(reverse("checklists:export", kwargs={"pk": with_actions.pk}))

    assert response.status_code == 200
    text = pdf_text(response)
    assert "What will be done Who Due Status" in text
    assert "Ask the health visitor about missed appointments" in text
    assert "Health visitor" in text and "Overdue by 2 days" in text
    assert f"Talk to my supervisor about a referral My supervisor {TODAY:%-d %B %Y} Open" in text
    # The timeline has the actions' events, with their dates but never their words.
    assert "Action added" in text
    assert with_actions.events.filter(kind=Event.Kind.EXPORTED).count() == 1


def test_the_timeline_shows_actions_added_closed_and_carried_without_their_words(
    client_for, fca, supervisor, action_template, with_actions
):
    client = client_for(fca)
    action = Action.objects.get(description__startswith="Talk to my supervisor")
    response = client.post(
        reverse("actions:close", kwargs={"pk": action.pk}), {"status": "done", "revision": action.revision}
    )
    assert response.status_code == 302
    other = Action.objects.get(description__startswith="Ask the health")
    client.post(
        reverse("actions:close", kwargs={"pk": other.pk}),
        {"status": "not_needed", "reason": "The family moved away.", "revision": other.revision},
    )
    other.refresh_from_db()
    assert (other.status, other.note) == (Action.Status.NOT_NEEDED, "The family moved away.")
    kinds = list(with_actions.events.values_list("kind", flat=True))
    assert kinds.count(Event.Kind.ACTION_ADDED) == 2
    assert Event.Kind.ACTION_DONE in kinds and Event.Kind.ACTION_NOT_NEEDED in kinds

    html = client.get(with_actions.get_absolute_url()).content.decode()
    timeline = html.split('id="timeline"', 1)[1]
    assert timeline.count("Action added") == 2
    assert f"Due {NEXT_WEEK:%-d %B %Y}" in timeline
    assert "Action done" in timeline and "Action no longer needed" in timeline
    assert f"On {TODAY:%-d %B %Y}" in timeline
    for words in ("health visitor", "The family moved away", "referral"):
        assert words not in timeline.split("</main>")[0].split('class="moj-timeline"', 1)[1]


@pytest.mark.parametrize("page", ["checklists:detail", "checklists:check", "supervision:review"])
def test_the_pages_that_show_actions_take_the_same_queries_for_1_or_30(
    client_for, fca, supervisor, draft, page, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    status = Checklist.Status.RETURNED if page == "checklists:check" else Checklist.Status.SUBMITTED
    Checklist.objects.filter(pk=draft.pk).update(status=status, submitted_at=timezone.now())
    question = draft.template.questions.get(key="then-what")
    ActionFactory(checklist=draft, question=question)
    client = client_for(supervisor if page == "supervision:review" else fca)
    url = reverse(page, kwargs={"pk": draft.pk})
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for days in range(29):
        ActionFactory(checklist=draft, question=question, due_on=TODAY + datetime.timedelta(days=days))
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("app-question-actions") == 1
    assert response.content.decode().count('data-label="Who"') == 30
