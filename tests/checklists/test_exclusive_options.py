"""“None” options of a multiple-choice question are exclusive: on the page, and refused with others on the server."""

import pytest

from checklists.models import Question

from .walkthrough_support import RISK_CHOICES, answer, autosave_url, questions, save, start, step_url

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
NONE_OF_THESE = {"value": "none-of-these", "label": "None of these"}


@pytest.fixture
def checklist(client_for, fca, walkthrough_template):
    # As the templates file words it: "None of these" after the risk factors.
    Question.objects.filter(key="risk-factors").update(choices=[*RISK_CHOICES, NONE_OF_THESE])
    return start(client_for(fca), walkthrough_template)


def test_the_none_option_comes_after_the_or_divider_and_is_exclusive(client_for, fca, checklist):
    content = client_for(fca).get(step_url(checklist, 1)).content.decode()
    group = content.split('id="question-risk-factors"')[1].split('id="question-when"')[0]
    assert group.count('data-behaviour="exclusive"') == 1
    divider = group.index('<div class="govuk-checkboxes__divider">or</div>')
    none = group.index(
        '<input class="govuk-checkboxes__input" id="q-risk-factors.4" name="q-risk-factors" type="checkbox" '
        'value="none-of-these" data-behaviour="exclusive">'
    )
    assert group.index('value="parental-mental-health"') < divider < none
    assert 'data-module="govuk-checkboxes"' in group  # GOV.UK Frontend's module does the unticking


def test_the_step_form_refuses_none_with_a_risk_factor_and_saves_nothing_for_it(client_for, fca, checklist):
    response = client_for(fca).post(
        step_url(checklist, 1),
        {
            "q-risk-factors": ["domestic-abuse", "none-of-these"],
            "revision-risk-factors": "0",
            "q-what-happened": "Shouting was heard.",
            "revision-what-happened": "0",
            "action": "continue",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    message = "Select the options that apply, or select ‘None of these’ on its own."
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}' in content
    assert '<a href="#q-risk-factors">' in content
    # What was ticked is shown again as it was sent.
    assert 'value="domestic-abuse" checked' in content
    assert 'value="none-of-these" data-behaviour="exclusive" checked' in content
    assert answer(checklist, "risk-factors") is None
    # The other answer on the step is saved all the same.
    assert answer(checklist, "what-happened").value == "Shouting was heard."


def test_the_step_form_refuses_it_without_overwriting_an_earlier_answer(client_for, fca, checklist):
    save(checklist, "risk-factors", "substance-misuse", revision=1)
    response = client_for(fca).post(
        step_url(checklist, 1),
        {"q-risk-factors": ["substance-misuse", "none-of-these"], "revision-risk-factors": "1", "action": "continue"},
    )
    assert response.status_code == 400
    stored = answer(checklist, "risk-factors")
    assert (stored.value, stored.revision) == ("substance-misuse", 1)


def test_autosave_refuses_none_with_a_risk_factor_and_saves_nothing(client_for, fca, checklist):
    question = questions(checklist.template)["risk-factors"]
    response = client_for(fca).post(
        autosave_url(checklist),
        {"question": question.pk, "q-risk-factors": ["none-of-these", "substance-misuse"], "revision-risk-factors": 0},
        headers=HX,
    )
    assert response.status_code == 400
    assert (
        "Not saved: Select the options that apply, or select ‘None of these’ on its own." in response.content.decode()
    )
    assert answer(checklist, "risk-factors") is None


def test_none_on_its_own_is_saved(client_for, fca, checklist):
    question = questions(checklist.template)["risk-factors"]
    response = client_for(fca).post(
        autosave_url(checklist),
        {"question": question.pk, "q-risk-factors": ["none-of-these"], "revision-risk-factors": 0},
        headers=HX,
    )
    assert response.status_code == 200
    assert answer(checklist, "risk-factors").value == "none-of-these"


@pytest.mark.parametrize(
    ("option", "exclusive"),
    [
        ({"value": "none", "label": "No consultation needed"}, True),
        ({"value": "none-yet", "label": "None yet"}, True),
        ({"value": "no-concerns", "label": "No concerns", "exclusive": True}, True),
        ({"value": "none-of-these", "label": "None of these", "exclusive": False}, False),
        ({"value": "nonetheless", "label": "Nonetheless"}, False),
    ],
)
def test_an_option_is_exclusive_by_its_none_value_or_when_it_says_so(client_for, fca, checklist, option, exclusive):
    Question.objects.filter(key="risk-factors").update(choices=[*RISK_CHOICES, option])
    client = client_for(fca)
    content = client.get(step_url(checklist, 1)).content.decode()
    assert ('data-behaviour="exclusive"' in content) is exclusive
    assert ("govuk-checkboxes__divider" in content) is exclusive
    response = client.post(
        step_url(checklist, 1),
        {"q-risk-factors": ["domestic-abuse", option["value"]], "revision-risk-factors": "0", "action": "continue"},
    )
    assert response.status_code == (400 if exclusive else 302)
    assert (answer(checklist, "risk-factors") is None) is exclusive


def test_a_single_choice_none_is_an_ordinary_radio(client_for, fca, checklist):
    Question.objects.filter(key="threshold").update(choices=[{"value": "none", "label": "Neither"}])
    content = client_for(fca).get(step_url(checklist, 2)).content.decode()
    assert 'data-behaviour="exclusive"' not in content and "govuk-checkboxes__divider" not in content
