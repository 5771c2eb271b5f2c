"""The figures match the reflections of conftest.py, counted by hand, on the page a lead reads."""

import itertools

import pytest
from django.urls import reverse

from checklists.models import Answer, Question
from insight.figures import triggers
from tests.factories import AnswerFactory, ChecklistFactory, PromptFactory, QuestionFactory
from tests.insight.conftest import QUARTER
from tests.insight.support import RISKS

pytestmark = pytest.mark.django_db


def read(client, **extra):
    response = client.get(reverse("insight:home"), {**QUARTER, **extra})
    assert response.status_code == 200
    return response.context["report"]


def rows(table):
    """A table as text, the way the page shows it, keyed by its first column."""
    return {str(row[0]): [str(cell) for cell in row[1:]] for row in table.all_rows}


def test_the_counts_by_checklist_match_the_hand_count(client_for, practice_lead, counted):
    report = read(client_for(practice_lead))
    title = "New information: What? So What? Then What?"
    # Started: ten and the draft. Sent: ten. Returned: one. Signed off: six, after 1 to 6 days.
    assert rows(report.by_checklist) == {
        title: ["11", "10", "fewer than 5", "6", "3.5 days"],
        "All checklists": ["11", "10", "fewer than 5", "6", "3.5 days"],
    }
    assert [str(value) for _, value in report.summary] == ["11", "10", "fewer than 5", "6", "3.5 days"]


def test_the_counts_by_month_put_each_step_in_its_own_month(client_for, practice_lead, counted):
    report = read(client_for(practice_lead))
    assert rows(report.by_month) == {
        "January 2025": ["11", "0", "0", "0"],
        "February 2025": ["0", "10", "fewer than 5", "6"],
        "March 2025": ["0", "0", "0", "0"],
    }


def test_theme_coverage_matches_the_hand_count(client_for, practice_lead, counted):
    report = read(client_for(practice_lead))
    themes = rows(report.themes)
    # Theme 1: the eight that answered step 1. Theme 4: the nine that answered step 2, seven of
    # them with two risks ticked, which sets off the interacting-risks prompt.
    assert themes["1. Understanding what the child's daily life is like"] == ["8", "80%", "0", "0%"]
    assert themes["4. Responding to changing risk and need"] == ["9", "90%", "7", "70%"]
    for number in (2, 3, 5, 6):
        assert next(cells for name, cells in themes.items() if name.startswith(f"{number}.")) == ["0", "0%", "0", "0%"]


def test_risk_factors_match_the_hand_count_beside_the_panels_figures(client_for, practice_lead, counted):
    report = read(client_for(practice_lead))
    risks = rows(report.risk_factors)
    # Nine reflections answered the question: seven ticked domestic abuse, six substance misuse
    # (all six with domestic abuse) and three parental mental health.
    assert risks["Domestic abuse"][:3] == ["7", "77.8%", "42.6%"]
    assert risks["Substance misuse"][:3] == ["6", "66.7%", "No national figure"]
    assert risks["Parental mental health difficulties"][:3] == ["fewer than 5", "not shown", "No national figure"]
    assert risks["Domestic abuse together with substance misuse"][:3] == ["6", "66.7%", "24%"]
    assert str(report.risk_answered) == "9"


def test_the_page_says_the_figures_measure_different_things(client_for, practice_lead, counted):
    html = client_for(practice_lead).get(reverse("insight:home"), QUARTER).content.decode()
    assert "These figures measure different things" in html
    assert "42.6%" in html and "24%" in html
    assert "Of 9 reflections that answered the risk factors question" in html


def test_a_supervisor_sees_the_same_figures_for_their_team(client_for, supervisor, counted):
    report = read(client_for(supervisor))
    assert rows(report.by_checklist)["All checklists"] == ["11", "10", "fewer than 5", "6", "3.5 days"]


def test_a_superuser_choosing_south_sees_only_south(client_for, superuser, counted):
    report = read(client_for(superuser), team="south")
    assert [team.name for team in report.teams] == ["South"]
    assert rows(report.by_checklist)["All checklists"] == ["fewer than 5", "fewer than 5", "0", "0", "–"]


def test_no_page_or_download_names_a_case(client_for, practice_lead, counted):
    client = client_for(practice_lead)
    pages = [client.get(reverse("insight:home"), QUARTER).content.decode()]
    for table in ("by-checklist", "by-month", "by-team", "themes", "risk-factors"):
        pages.append(client.get(reverse("insight:download", kwargs={"table": table}), QUARTER).content.decode())
    for checklist in counted:
        for page in pages:
            assert checklist.case_reference not in page
            assert str(checklist.pk) not in page
            assert "Police attended." not in page


def test_an_empty_period_says_so(client_for, practice_lead, counted):
    html = client_for(practice_lead).get(reverse("insight:home"), {"period": "this-quarter"}).content.decode()
    assert "No reflections were started, sent for review, returned or signed off" in html


# The figures count a prompt as set off exactly when Prompt.is_triggered_by says so.

VALUES = [choice["value"] for choice in RISKS]
STORED = ["", *("\n".join(combo) for size in range(1, 4) for combo in itertools.combinations(VALUES, size))]


@pytest.mark.parametrize(
    ("kind", "any_of", "min_matches"),
    [
        (Question.Kind.MULTIPLE_CHOICE, ["domestic-abuse", "substance-misuse", "parental-mental-health"], 2),
        (Question.Kind.MULTIPLE_CHOICE, ["parental-mental-health"], 1),
        (Question.Kind.MULTIPLE_CHOICE, ["domestic-abuse", "substance-misuse"], 3),
        (Question.Kind.YES_NO, ["yes"], 1),
    ],
)
def test_a_prompt_counts_as_set_off_exactly_when_it_is_triggered(kind, any_of, min_matches):
    question = QuestionFactory(kind=kind, choices=RISKS if kind == Question.Kind.MULTIPLE_CHOICE else [])
    prompt = PromptFactory(question=question, any_of=any_of, min_matches=min_matches)
    values = STORED if kind == Question.Kind.MULTIPLE_CHOICE else ["", "yes", "no"]
    for value in values:
        AnswerFactory(checklist=ChecklistFactory(template=question.template), question=question, value=value)
    condition = triggers(prompt)
    matched = set() if condition is None else set(Answer.objects.filter(condition).values_list("value", flat=True))
    assert matched == {value for value in values if prompt.is_triggered_by(value)}
