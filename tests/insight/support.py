"""A small world to count by hand: a published bite with six themes, a three-step checklist whose
steps show guidance from themes 1 and 4, the interacting-risks prompt, and the Panel's two figures.

Step 1 ("What?") shows a practice point from theme 1. Step 2 ("So what?") asks the risk factors
question and shows a key fact from theme 4. Step 3 shows no guidance; the interacting-risks prompt,
from theme 4, is shown on it when two of the three risks are ticked.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from checklists.models import Checklist, Question
from tests.factories import (
    AnswerFactory,
    ChecklistFactory,
    ChecklistTemplateFactory,
    KeyFactFactory,
    KnowledgeBiteFactory,
    PracticePointFactory,
    PromptFactory,
    QuestionFactory,
    StepFactory,
    ThemeFactory,
)

RISKS = [
    {"value": "domestic-abuse", "label": "Domestic abuse"},
    {"value": "substance-misuse", "label": "Substance misuse"},
    {"value": "parental-mental-health", "label": "Parental mental health difficulties"},
    {"value": "none-of-these", "label": "None of these"},
]
THEME_TITLES = [
    "Understanding what the child's daily life is like",
    "Working with families where engagement is reluctant and/or sporadic",
    "Critical thinking and challenge",
    "Responding to changing risk and need",
    "Sharing information in a timely way",
    "Organisational leadership and culture for good practice",
]


def build_world():
    """The bite, themes, template and prompt; returns the template and its questions by key."""
    bite = KnowledgeBiteFactory(slug="annual-report-2020", title="CSPRP Annual Report 2020")
    themes = [
        ThemeFactory(knowledge_bite=bite, number=number, slug=f"theme-{number}", title=title)
        for number, title in enumerate(THEME_TITLES, start=1)
    ]
    serious_harm = KeyFactFactory(
        knowledge_bite=bite,
        key="domestic-abuse-serious-harm",
        label="Domestic abuse (incidents involving serious harm)",
        value=Decimal("42.6"),
        note="Percentage of the incidents involving serious harm notified to the Panel in 2020.",
        theme=themes[3],
    )
    combined = KeyFactFactory(
        knowledge_bite=bite,
        key="da-substance-misuse",
        label="Domestic violence and substance misuse combined",
        value=Decimal("24"),
        note="Percentage of all incidents notified to the Panel in 2020.",
        theme=themes[3],
    )
    template = ChecklistTemplateFactory(
        slug="what-so-what-then-what", title="New information: What? So What? Then What?"
    )
    what = StepFactory(template=template, number=1, title="What?")
    so_what = StepFactory(template=template, number=2, title="So what?")
    then_what = StepFactory(template=template, number=3, title="Then what?")
    what.practice_points.add(PracticePointFactory(theme=themes[0], key="voice-of-the-child"))
    so_what.key_facts.add(serious_harm)
    questions = {
        "what-happened": QuestionFactory(step=what, key="what-happened", order=1),
        "risk-factors": QuestionFactory(
            step=so_what, key="risk-factors", order=1, kind=Question.Kind.MULTIPLE_CHOICE, choices=RISKS
        ),
        "next-steps": QuestionFactory(step=then_what, key="next-steps", order=1),
    }
    PromptFactory(
        question=questions["risk-factors"],
        show_on_step=then_what,
        key="interacting-risks",
        title="Interacting risks",
        key_fact=combined,
        any_of=["domestic-abuse", "substance-misuse", "parental-mental-health"],
        min_matches=2,
    )
    return template, questions, themes


def in_period(days_ago: int = 10) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days_ago)


def reflection(author, template, questions, *, answers=None, status=Checklist.Status.SUBMITTED, **times):
    """A checklist with the given answers (key: value) and times (created_at, submitted_at, ...)."""
    checklist = ChecklistFactory(author=author, template=template, status=status)
    for key, value in (answers or {}).items():
        AnswerFactory(checklist=checklist, question=questions[key], value=value)
    if times:
        Checklist.objects.filter(pk=checklist.pk).update(**times)
    return checklist
