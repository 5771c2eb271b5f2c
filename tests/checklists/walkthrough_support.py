"""Shared set-up for the walkthrough tests: a little guidance, and a three-step template using it.

Step 1 asks what happened (long text, 2,000 characters), which risk factors are present (multiple
choice) and when it happened (date). Step 2 asks whether the child is safe now (yes/no/not sure),
the threshold (single choice) and a short summary (short text), and shows guidance. Step 3 asks
for the next steps. Two prompts: interacting risks on step 2 when two of the three risk factors
are ticked, and "not safe now" on step 3.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, LearningPoint
from checklists.models import Answer, Checklist, ChecklistTemplate, Question
from guidance.models import KeyFact, KnowledgeBite, PracticePoint, Theme
from tests.factories import ChecklistTemplateFactory, PromptFactory, QuestionFactory, StepFactory

RISK_CHOICES = [
    {"value": "domestic-abuse", "label": "Domestic abuse"},
    {"value": "substance-misuse", "label": "Substance misuse"},
    {"value": "parental-mental-health", "label": "Parental mental health"},
]
THRESHOLD_CHOICES = [
    {"value": "s17", "label": "A child in need (section 17)"},
    {"value": "s47", "label": "A child at risk of harm (section 47)"},
]


@pytest.fixture
def guidance(db):
    bite = KnowledgeBite.objects.create(
        slug="csprp-annual-report-2020",
        title="Key messages from the Panel's Annual Report 2020",
        source_report="Child Safeguarding Practice Review Panel Annual Report 2020",
        status=KnowledgeBite.Status.PUBLISHED,
    )
    theme = Theme.objects.create(
        knowledge_bite=bite, number=4, slug="changing-risk-and-need", title="Responding to changing risk and need"
    )
    point = PracticePoint.objects.create(
        theme=theme,
        key="interacting-risks",
        title="Interacting risks",
        body="Domestic abuse, substance misuse and parental mental health **interact**.",
    )
    fact = KeyFact.objects.create(
        knowledge_bite=bite,
        theme=theme,
        key="da-substance-misuse",
        group="Factors",
        label="Domestic violence and substance misuse combined",
        value=Decimal("24"),
        unit="%",
        note="Percentage of all incidents notified to the Panel in 2020.",
    )
    study = CaseStudy.objects.create(
        knowledge_bite=bite,
        slug="child-y-annie",
        title="Child Y (Annie)",
        partnership="A safeguarding partnership",
        review_type="Local child safeguarding practice review",
        summary="A case study.",
    )
    learning = LearningPoint.objects.create(
        case_study=study, key="previous-histories-of-fathers", text="Explore the previous histories of fathers."
    )
    return {"bite": bite, "theme": theme, "practice_point": point, "key_fact": fact, "learning_point": learning}


def build_walkthrough_template(guidance, **kwargs) -> ChecklistTemplate:
    template = ChecklistTemplateFactory(
        slug=kwargs.pop("slug", "what-so-what-then-what"),
        title=kwargs.pop("title", "New information: What? So What? Then What?"),
        summary="Use this whenever you receive new information.",
        **kwargs,
    )
    what = StepFactory(template=template, number=1, title="What? The information", intro="Pin down **exactly** what.")
    so_what = StepFactory(template=template, number=2, title="So What? What it means for the child")
    then_what = StepFactory(template=template, number=3, title="Then What? Options and actions")
    so_what.practice_points.add(guidance["practice_point"])
    so_what.key_facts.add(guidance["key_fact"])
    so_what.learning_points.add(guidance["learning_point"])
    QuestionFactory(
        step=what, key="what-happened", order=1, text="What is the new information?", required=True, max_length=2000
    )
    risks = QuestionFactory(
        step=what,
        key="risk-factors",
        order=2,
        text="Which of these risk factors are present?",
        kind=Question.Kind.MULTIPLE_CHOICE,
        choices=RISK_CHOICES,
        required=True,
    )
    QuestionFactory(step=what, key="when", order=3, text="When did it happen?", kind=Question.Kind.DATE)
    safe_now = QuestionFactory(
        step=so_what,
        key="safe-now",
        order=1,
        text="Is the child safe right now?",
        kind=Question.Kind.YES_NO_UNSURE,
        required=True,
    )
    QuestionFactory(
        step=so_what,
        key="threshold",
        order=2,
        text="Which best describes the child's situation?",
        kind=Question.Kind.SINGLE_CHOICE,
        choices=THRESHOLD_CHOICES,
    )
    QuestionFactory(
        step=so_what, key="summary", order=3, text="Sum it up in a line", kind=Question.Kind.SHORT_TEXT, max_length=200
    )
    QuestionFactory(step=then_what, key="next-steps", order=1, text="What are your next steps?", required=True)
    PromptFactory(
        question=risks,
        show_on_step=so_what,
        key="interacting-risks",
        title="Interacting risks",
        body="These risks **interact** and significantly increase the risk of harm.",
        key_fact=guidance["key_fact"],
        practice_point=guidance["practice_point"],
        any_of=[choice["value"] for choice in RISK_CHOICES],
        min_matches=2,
    )
    PromptFactory(
        question=safe_now,
        show_on_step=then_what,
        key="not-safe-now",
        title="The child may not be safe right now",
        body="Speak to your Practice Supervisor or Service Manager today.",
        any_of=["no", "unsure"],
        min_matches=1,
    )
    return template


@pytest.fixture
def walkthrough_template(guidance):
    return build_walkthrough_template(guidance)


def questions(template) -> dict[str, Question]:
    return {question.key: question for question in template.questions.all()}


def start(client, template, case_reference="ZE21P00123", title="New police information") -> Checklist:
    response = client.post(
        reverse("checklists:details", kwargs={"slug": template.slug}),
        {"case_reference": case_reference, "title": title},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Checklist.objects.get(case_reference=case_reference.upper().replace(" ", ""))


def step_url(checklist, number) -> str:
    return reverse("checklists:step", kwargs={"pk": checklist.pk, "number": number})


def autosave_url(checklist) -> str:
    return reverse("checklists:autosave", kwargs={"pk": checklist.pk})


def answer(checklist, key) -> Answer | None:
    return Answer.objects.filter(checklist=checklist, question__key=key).first()


def save(checklist, key, value, revision=None):
    """Store an answer directly, as an earlier save would have."""
    question = checklist.template.questions.get(key=key)
    existing = answer(checklist, key)
    if existing:
        existing.value = value
        existing.revision = revision if revision is not None else existing.revision + 1
        existing.save()
        return existing
    return Answer.objects.create(checklist=checklist, question=question, value=value, revision=revision or 1)


def complete(checklist):
    """Answer every required question."""
    save(checklist, "what-happened", "A neighbour called the police after hearing shouting.")
    save(checklist, "risk-factors", "domestic-abuse\nsubstance-misuse")
    save(checklist, "safe-now", "unsure")
    save(checklist, "next-steps", "Discuss with my Practice Supervisor today.")


TODAY = datetime.date(2026, 3, 27)
