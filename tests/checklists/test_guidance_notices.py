"""Notices to an FCA that guidance they used in a checklist has changed since, and dismissing them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from checklists.models import Answer, Checklist
from guidance import services
from guidance.models import Amendment, AmendmentDismissal
from tests.factories import (
    AnswerFactory,
    CaseStudyFactory,
    ChecklistFactory,
    ChecklistTemplateFactory,
    KeyFactFactory,
    KnowledgeBiteFactory,
    LearningPointFactory,
    PracticePointFactory,
    QuestionFactory,
    StepFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("home")
D, S, R, SO = Checklist.Status.DRAFT, Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF
NOTE = "Now says to ask about parental mental health as well."
HEADING = "The guidance on Interacting risks changed on"


def days_ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def guide(db):
    """A template whose step 1 shows a practice point, step 2 a key figure and a case study's learning,
    and step 3 a practice point from another theme."""
    bite = KnowledgeBiteFactory(slug="annual-report")
    theme = ThemeFactory(knowledge_bite=bite, number=4, slug="changing-risk", title="Responding to changing risk")
    other_theme = ThemeFactory(knowledge_bite=bite, number=5, slug="sharing", title="Sharing information")
    point = PracticePointFactory(theme=theme, key="interacting-risks", title="Interacting risks")
    unused_point = PracticePointFactory(theme=theme, key="fathers", title="Fathers and adult males")
    fact = KeyFactFactory(knowledge_bite=bite, key="da-sm", label="Domestic abuse with substance misuse")
    case_study = CaseStudyFactory(knowledge_bite=bite, slug="child-y", title="Child Y")
    learning = LearningPointFactory(case_study=case_study, key="histories")
    sharing = PracticePointFactory(theme=other_theme, key="s47", title="Section 47")
    template = ChecklistTemplateFactory(slug="wswtw", title="What? So What? Then What?")
    steps = [StepFactory(template=template, number=n, title=title) for n, title in ((1, "What?"), (2, "So what?"))]
    steps.append(StepFactory(template=template, number=3, title="Then what?"))
    steps[0].practice_points.add(point)
    steps[1].key_facts.add(fact)
    steps[1].learning_points.add(learning)
    steps[2].practice_points.add(sharing)
    questions = {step.number: QuestionFactory(step=step, key=f"q{step.number}") for step in steps}
    return {
        "bite": bite,
        "theme": theme,
        "other_theme": other_theme,
        "point": point,
        "unused_point": unused_point,
        "fact": fact,
        "case_study": case_study,
        "sharing": sharing,
        "template": template,
        "questions": questions,
    }


def used(guide, author, status=D, *, steps=(1,), at=None, signed_off=None, **kwargs) -> Checklist:
    """A checklist of `author` with answers on `steps`, last saved `at` (30 days ago by default)."""
    checklist = ChecklistFactory(author=author, template=guide["template"], status=status, **kwargs)
    if status == SO:
        Checklist.objects.filter(pk=checklist.pk).update(signed_off_at=signed_off or days_ago(10))
        checklist.refresh_from_db()
    for number in steps:
        AnswerFactory(checklist=checklist, question=guide["questions"][number], value="What I wrote.")
    Answer.objects.filter(checklist=checklist).update(updated_at=at or days_ago(30))
    return checklist


def amend(subject, note=NOTE, *, at=None, by=None) -> Amendment:
    amendment = services.record_amendment(subject=subject, note=note, by=by)
    Amendment.objects.filter(pk=amendment.pk).update(changed_at=at or days_ago(5))
    amendment.refresh_from_db()
    return amendment


def dismiss_url(amendment_or_pk) -> str:
    pk = getattr(amendment_or_pk, "pk", amendment_or_pk)
    return reverse("checklists:dismiss_guidance_notice", kwargs={"pk": pk})


def shows_notice(client, url=HOME, heading=HEADING) -> bool:
    return heading in client.get(url).content.decode()


# --- Who sees a notice --------------------------------------------------------------------------


def test_an_fca_sees_the_notice_on_their_home_and_on_the_checklist(client_for, fca, guide):
    checklist = used(guide, fca, D, case_reference="ZE21P00123", title="Police call-out")
    amendment = amend(guide["point"], at=timezone.make_aware(datetime.datetime(2027, 3, 3, 9, 30)))
    client = client_for(fca)
    home = client.get(HOME).content.decode()
    assert (
        'The guidance on Interacting risks changed on <time datetime="2027-03-03">3 March 2027</time> after you used it'
        in home
    )
    assert NOTE in home
    assert f'href="{amendment.get_absolute_url()}">Read the guidance on Interacting risks</a>' in home
    assert f'href="{checklist.get_absolute_url()}">ZE21P00123: Police call-out</a>' in home
    assert f'action="{dismiss_url(amendment)}"' in home
    detail = client.get(checklist.get_absolute_url()).content.decode()
    assert "3 March 2027</time> after you used it" in detail and NOTE in detail
    assert "You used it at" in detail and "step 1 (What?)" in detail


@pytest.mark.parametrize(
    ("status", "signed_off", "expected"),
    [
        (D, None, True),
        (R, None, True),
        (SO, days_ago(89), True),
        (SO, days_ago(91), False),
        (S, None, False),
    ],
    ids=["draft", "returned", "signed off 89 days ago", "signed off 91 days ago", "submitted"],
)
def test_only_current_checklists_bring_notices(client_for, fca, guide, status, signed_off, expected):
    checklist = used(guide, fca, status, signed_off=signed_off)
    amend(guide["point"])
    client = client_for(fca)
    assert shows_notice(client) is expected
    assert shows_notice(client, checklist.get_absolute_url()) is expected


def test_other_peoples_checklists_never_bring_notices(client_for, fca, other_fca, supervisor, guide):
    returned = used(guide, fca, R)
    amend(guide["point"])
    assert not shows_notice(client_for(other_fca))
    # The supervisor may read the checklist, but the notice is its author's.
    supervisor_client = client_for(supervisor)
    response = supervisor_client.get(returned.get_absolute_url())
    assert response.status_code == 200
    assert HEADING not in response.content.decode()
    assert not shows_notice(supervisor_client)


def test_no_notice_when_the_answer_came_after_the_amendment(client_for, fca, guide):
    checklist = used(guide, fca, D, at=days_ago(2))
    amend(guide["point"], at=days_ago(5))
    client = client_for(fca)
    assert not shows_notice(client)
    assert not shows_notice(client, checklist.get_absolute_url())


def test_the_last_answer_on_the_step_is_what_counts(client_for, fca, guide):
    checklist = used(guide, fca, D, at=days_ago(30))
    later = QuestionFactory(step=guide["questions"][1].step, key="q1-later")
    AnswerFactory(checklist=checklist, question=later, value="Written after the change.")
    Answer.objects.filter(question=later).update(updated_at=days_ago(1))
    amend(guide["point"], at=days_ago(5))
    assert not shows_notice(client_for(fca))


def test_no_notice_for_guidance_on_a_step_the_fca_did_not_answer(client_for, fca, guide):
    checklist = used(guide, fca, D, steps=(1,))
    Answer.objects.create(checklist=checklist, question=guide["questions"][2], value="")  # left blank
    amend(guide["fact"], "The key figure changed.")
    amend(guide["case_study"], "The case study changed.")
    amend(guide["unused_point"], "A point no step shows changed.")
    html = client_for(fca).get(HOME).content.decode()
    assert "Guidance you used has changed" not in html


@pytest.mark.parametrize(
    ("subject", "step", "title"),
    [
        ("fact", 2, "Domestic abuse with substance misuse"),
        ("case_study", 2, "Child Y"),
        ("theme", 1, "Responding to changing risk"),
        ("other_theme", 3, "Sharing information"),
    ],
)
def test_every_kind_of_guidance_a_step_shows_brings_a_notice(client_for, fca, guide, subject, step, title):
    checklist = used(guide, fca, D, steps=(step,))
    amend(guide[subject])
    client = client_for(fca)
    heading = f"The guidance on {title} changed on"
    assert shows_notice(client, heading=heading)
    assert shows_notice(client, checklist.get_absolute_url(), heading=heading)


def test_a_theme_change_does_not_reach_a_step_that_shows_nothing_from_it(client_for, fca, guide):
    used(guide, fca, D, steps=(3,))
    amend(guide["theme"])
    assert "Guidance you used has changed" not in client_for(fca).get(HOME).content.decode()


def test_a_checklist_page_shows_only_its_own_notices(client_for, fca, guide):
    first = used(guide, fca, D, steps=(1,))
    second = used(guide, fca, D, steps=(2,))
    amend(guide["fact"], "The key figure changed.")
    client = client_for(fca)
    assert "The key figure changed." not in client.get(first.get_absolute_url()).content.decode()
    assert "The key figure changed." in client.get(second.get_absolute_url()).content.decode()


def test_amendments_to_a_draft_bite_bring_no_notice(client_for, fca, guide):
    used(guide, fca, D)
    amend(guide["point"])
    guide["bite"].status = "draft"
    guide["bite"].save()
    assert not shows_notice(client_for(fca))


# --- Dismissing ---------------------------------------------------------------------------------


def test_dismissing_a_notice_records_it_and_returns_to_the_page(client_for, fca, other_fca, guide):
    checklist = used(guide, fca, D)
    used(guide, other_fca, D)
    amendment = amend(guide["point"])
    client = client_for(fca)
    response = client.post(dismiss_url(amendment), {"next": checklist.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == checklist.get_absolute_url()
    dismissal = AmendmentDismissal.objects.get()
    assert (dismissal.user, dismissal.amendment) == (fca, amendment)
    assert not shows_notice(client)
    assert not shows_notice(client, checklist.get_absolute_url())
    # Per person: other_fca, who used it too, still has theirs.
    assert shows_notice(client_for(other_fca))


def test_dismissing_twice_changes_nothing_more(client_for, fca, guide):
    used(guide, fca, D)
    amendment = amend(guide["point"])
    client = client_for(fca)
    assert client.post(dismiss_url(amendment), {"next": HOME})["Location"] == HOME
    assert client.post(dismiss_url(amendment), {"next": HOME})["Location"] == HOME
    assert AmendmentDismissal.objects.filter(user=fca, amendment=amendment).count() == 1


def test_a_dismissal_does_not_hide_a_later_amendment(client_for, fca, guide):
    used(guide, fca, D)
    first = amend(guide["point"], "The first change.", at=days_ago(6))
    client = client_for(fca)
    client.post(dismiss_url(first), {"next": HOME})
    amend(guide["point"], "The second change.", at=days_ago(2))
    html = client.get(HOME).content.decode()
    assert "The second change." in html and "The first change." not in html


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""])
def test_dismissing_never_redirects_off_the_site(client_for, fca, guide, target):
    used(guide, fca, D)
    amendment = amend(guide["point"])
    response = client_for(fca).post(dismiss_url(amendment), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == HOME
    assert AmendmentDismissal.objects.filter(user=fca).count() == 1


def test_someone_elses_notice_cannot_be_dismissed(client_for, fca, other_fca, guide):
    used(guide, fca, D)
    amendment = amend(guide["point"])
    response = client_for(other_fca).post(dismiss_url(amendment), {"next": HOME})
    assert response.status_code == 404
    assert not AmendmentDismissal.objects.exists()


def test_a_notice_that_does_not_exist_cannot_be_dismissed(client_for, fca, guide):
    used(guide, fca, D, at=days_ago(1))
    amendment = amend(guide["point"], at=days_ago(5))  # before the answer: no notice
    client = client_for(fca)
    assert client.post(dismiss_url(amendment), {"next": HOME}).status_code == 404
    assert client.post(dismiss_url(99999), {"next": HOME}).status_code == 404
    assert not AmendmentDismissal.objects.exists()


def test_dismissing_takes_a_post(client_for, fca, guide):
    used(guide, fca, D)
    amendment = amend(guide["point"])
    assert client_for(fca).get(dismiss_url(amendment)).status_code == 405
    assert not AmendmentDismissal.objects.exists()


def test_the_dismiss_button_works_without_javascript(client_for, fca, guide):
    used(guide, fca, D)
    amendment = amend(guide["point"])
    html = client_for(fca).get(HOME).content.decode()
    form = html[html.index(f'action="{dismiss_url(amendment)}"') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'<input type="hidden" name="next" value="{HOME}">' in form
    assert '<button type="submit"' in form
    assert '<span class="govuk-visually-hidden"> the notice about Interacting risks</span>' in form


# --- Queries ------------------------------------------------------------------------------------


def test_the_home_notices_take_the_same_queries_for_few_or_many(
    client_for, fca, other_fca, guide, django_assert_num_queries
):
    for status in (D, R, SO):  # so that the page's own lists are the same at both sizes
        used(guide, fca, status)
    amend(guide["point"])
    client = client_for(fca)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        assert shows_notice(client)
    for i in range(15):
        used(guide, fca, [D, R, SO][i % 3], steps=(1, 2, 3))
        used(guide, other_fca, D, steps=(1, 2, 3))
    for subject in ("point", "fact", "case_study", "theme", "other_theme", "sharing", "unused_point"):
        amend(guide[subject], f"Another change to {subject}.")
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(HOME).content.decode()
    assert html.count("after you used it") == 7


def test_the_checklist_notices_take_the_same_queries_for_few_or_many(client_for, fca, guide, django_assert_num_queries):
    checklist = used(guide, fca, D)
    amend(guide["point"])
    client = client_for(fca)
    client.get(checklist.get_absolute_url())
    with CaptureQueriesContext(connection) as few:
        assert shows_notice(client, checklist.get_absolute_url())
    for i in range(15):
        used(guide, fca, D, steps=(1, 2, 3))
    for subject in ("fact", "case_study", "theme", "sharing"):
        amend(guide[subject], f"Another change to {subject}.")
    with django_assert_num_queries(len(few.captured_queries)):
        assert shows_notice(client, checklist.get_absolute_url())
