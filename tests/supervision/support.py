"""Shared set-up for the supervision tests: a small two-step template and checklists in each state."""

import datetime

import pytest
from django.utils import timezone

from checklists.models import Checklist, Event, Question
from tests.factories import (
    AnswerFactory,
    ChecklistFactory,
    ChecklistTemplateFactory,
    EventFactory,
    PromptFactory,
    QuestionFactory,
    StepFactory,
)

RISK_CHOICES = [
    {"value": "domestic-abuse", "label": "Domestic abuse"},
    {"value": "substance-misuse", "label": "Substance misuse"},
    {"value": "mental-health", "label": "Parental mental health"},
]

ANSWERS = {
    "what-happened": "School reported a bruise on the child's arm on Monday.",
    "risk-factors": "domestic-abuse\nsubstance-misuse",
    "safe-now": "unsure",
}


def build_template(**kwargs):
    template = ChecklistTemplateFactory(title="New information: What? So What? Then What?", **kwargs)
    what = StepFactory(template=template, number=1, title="What? The information")
    so_what = StepFactory(template=template, number=2, title="So what? Safety now")
    QuestionFactory(step=what, key="what-happened", order=1, text="What is the new information?", required=True)
    risks = QuestionFactory(
        step=what,
        key="risk-factors",
        order=2,
        text="Which of these risk factors are present?",
        kind=Question.Kind.MULTIPLE_CHOICE,
        choices=RISK_CHOICES,
    )
    QuestionFactory(
        step=so_what, key="safe-now", order=1, text="Is the child safe now?", kind=Question.Kind.YES_NO_UNSURE
    )
    PromptFactory(
        question=risks,
        show_on_step=so_what,
        key="interacting-risks",
        title="Risks interact",
        body="Where these risks occur together, the risk to the child is greater.",
        any_of=[choice["value"] for choice in RISK_CHOICES],
        min_matches=2,
    )
    PromptFactory(
        question=risks,
        show_on_step=so_what,
        key="mental-health-only",
        title="Parental mental health prompt",
        body="Ask about the parent's mental health.",
        any_of=["mental-health"],
        min_matches=1,
    )
    return template


def make_checklist(author, template, status=Checklist.Status.SUBMITTED, answers=None, **kwargs):
    """A checklist with answers and a 'created' event, as the walkthrough would leave it."""
    checklist = ChecklistFactory(author=author, template=template, status=status, **kwargs)
    questions = {question.key: question for question in template.questions.all()}
    for key, value in (ANSWERS if answers is None else answers).items():
        AnswerFactory(checklist=checklist, question=questions[key], value=value)
    EventFactory(checklist=checklist, kind=Event.Kind.CREATED, actor=author)
    if status != Checklist.Status.DRAFT:
        EventFactory(checklist=checklist, kind=Event.Kind.SUBMITTED, actor=author)
    return checklist


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def template(db):
    return build_template()


@pytest.fixture
def submitted(fca, supervisor, template):
    """fca's checklist, waiting for the North supervisor."""
    return make_checklist(fca, template)


def snapshot(checklist: Checklist) -> dict:
    """What a refused request must leave exactly as it was."""
    checklist.refresh_from_db()
    return {
        "status": checklist.status,
        "submitted_at": checklist.submitted_at,
        "returned_at": checklist.returned_at,
        "signed_off_at": checklist.signed_off_at,
        "discussed_on": checklist.discussed_on,
        "answers": sorted(checklist.answers.values_list("question_id", "value", "revision", "returned_value")),
        "comments": sorted(checklist.comments.values_list("id", "body", "step_id")),
        "events": sorted(checklist.events.exclude(kind=Event.Kind.VIEWED).values_list("id", "kind")),
    }
