"""A two-step template whose second step asks "Then what?" as an action question."""

import pytest

from tests.factories import ChecklistFactory, ChecklistTemplateFactory, QuestionFactory, StepFactory


@pytest.fixture
def action_template(db):
    template = ChecklistTemplateFactory(slug="what-so-what", title="What? So What? Then What?")
    first = StepFactory(template=template, number=1, title="What?")
    second = StepFactory(template=template, number=2, title="Then what?")
    QuestionFactory(template=template, step=first, key="what-happened", text="What happened?", required=True)
    QuestionFactory(
        template=template, step=second, key="then-what", text="What will you do next?", collects_actions=True
    )
    return template


@pytest.fixture
def draft(action_template, fca):
    return ChecklistFactory(template=action_template, author=fca, team=fca.practice_team, case_reference="ZE21P00123")
